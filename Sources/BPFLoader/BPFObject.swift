import CBPF
import Glibc

/// A failed libbpf or bpf(2) call: the function, the errno, and what libbpf logged (the verifier's
/// report when a program was refused).
public struct BPFError: Error, CustomStringConvertible {
    public var function: String
    public var code: Int32
    public var log: String

    /// Whether the kernel refused for lack of privileges (`EPERM`, `EACCES`).
    public var isPermissionDenied: Bool { code == EPERM || code == EACCES }

    /// Whether what the call names does not exist (`ENOENT`), such as a tracepoint.
    public var isNotFound: Bool { code == ENOENT }

    public var description: String {
        let message = "\(function) failed: \(String(cString: strerror(code)))"
        return log.isEmpty ? message : "\(message)\n\(log)"
    }
}

/// What libbpf printed since the last `takeLog()`: warnings and the verifier's log.
nonisolated(unsafe) private var libbpfLog = ""

private func takeLog() -> String {
    defer { libbpfLog = "" }
    return libbpfLog
}

private let installPrinter: Void = {
    _ = libbpf_set_print { level, format, arguments in
        guard let format, let arguments, level != LIBBPF_DEBUG else { return 0 }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = vsnprintf(&buffer, buffer.count, format, arguments)
        if length > 0, libbpfLog.utf8.count < 1 << 20 {
            libbpfLog += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return 0
    }
}()

/// libbpf reports errors as `-errno`, or as `NULL` with `errno` set.
private func check(_ result: Int32, _ function: String) throws(BPFError) {
    if result < 0 { throw BPFError(function: function, code: -result, log: takeLog()) }
}

private func check<T>(_ pointer: T?, _ function: String) throws(BPFError) -> T {
    guard let pointer else { throw BPFError(function: function, code: errno, log: takeLog()) }
    return pointer
}

/// An owned libbpf object (`struct bpf_object`): opened from an ELF image, then loaded into the
/// kernel. Closing it (deinit) unloads its programs and maps unless something else holds them.
public final class BPFObject {
    let pointer: OpaquePointer
    private let image: UnsafeMutableRawBufferPointer

    /// Opens an ELF object held in memory (`bpf_object__open_mem`); nothing is loaded yet.
    public init(elf: [UInt8], name: String) throws(BPFError) {
        installPrinter
        let image = UnsafeMutableRawBufferPointer.allocate(byteCount: elf.count, alignment: 8)
        image.copyBytes(from: elf)
        var options = bpf_object_open_opts()
        options.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened = name.withCString { name -> OpaquePointer? in
            options.object_name = name
            return bpf_object__open_mem(image.baseAddress, image.count, &options)
        }
        self.image = image
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            image.deallocate()
            throw BPFError(function: "bpf_object__open_mem", code: errno, log: takeLog())
        }
        pointer = opened
    }

    deinit {
        bpf_object__close(pointer)
        image.deallocate()
    }

    /// Replaces the initial content of the `.rodata` section (`bpf_map__set_initial_value`), before
    /// `load()`; the verifier then sees these values as constants.
    public func setReadOnlyData<T: BitwiseCopyable>(_ value: T) throws(BPFError) {
        var map = bpf_object__next_map(pointer, nil)
        while let current = map, !String(cString: bpf_map__name(current)).hasSuffix(".rodata") {
            map = bpf_object__next_map(pointer, current)
        }
        let rodata = try check(map, "bpf_object__find_map(.rodata)")
        var value = value
        try check(bpf_map__set_initial_value(rodata, &value, MemoryLayout<T>.size), "bpf_map__set_initial_value(.rodata)")
    }

    /// Replaces the content of the loaded object's `.bss` section (its zero-initialised globals),
    /// which must be exactly the size of `value`.
    public func setZeroInitializedData<T: BitwiseCopyable>(_ value: T) throws(BPFError) {
        var map = bpf_object__next_map(pointer, nil)
        while let current = map, !String(cString: bpf_map__name(current)).hasSuffix(".bss") {
            map = bpf_object__next_map(pointer, current)
        }
        let bss = try check(map, "bpf_object__find_map(.bss)")
        guard bpf_map__value_size(bss) == MemoryLayout<T>.size else {
            throw BPFError(function: "bpf_map_update_elem(.bss)", code: EINVAL, log: "the .bss section is \(bpf_map__value_size(bss)) bytes, not \(MemoryLayout<T>.size)")
        }
        try BPFMap(object: self, pointer: bss).update(UInt32(0), value)
    }

    /// Whether `load()` loads the program named `name` (`bpf_program__set_autoload`).
    public func setAutoload(program name: String, _ autoload: Bool) throws(BPFError) {
        let program = try check(bpf_object__find_program_by_name(pointer, name), "bpf_object__find_program_by_name(\(name))")
        try check(bpf_program__set_autoload(program, autoload), "bpf_program__set_autoload(\(name))")
    }

    /// Creates the maps and loads the programs into the kernel (`bpf_object__load`).
    public func load() throws(BPFError) {
        _ = takeLog()
        try check(bpf_object__load(pointer), "bpf_object__load")
    }

    /// A loaded program by its C function name.
    public func program(named name: String) throws(BPFError) -> BPFProgram {
        BPFProgram(object: self, pointer: try check(bpf_object__find_program_by_name(pointer, name),
                                                      "bpf_object__find_program_by_name(\(name))"))
    }

    /// A map by its C variable name.
    public func map(named name: String) throws(BPFError) -> BPFMap {
        BPFMap(object: self, pointer: try check(bpf_object__find_map_by_name(pointer, name), "bpf_object__find_map_by_name(\(name))"))
    }
}

/// A program of a `BPFObject` (which it keeps alive).
public struct BPFProgram {
    let object: BPFObject
    let pointer: OpaquePointer

    /// Attaches the program where its section says (`bpf_program__attach`).
    public func attach() throws(BPFError) -> BPFLink {
        BPFLink(pointer: try check(bpf_program__attach(pointer), "bpf_program__attach"), object: object)
    }

    /// Runs the program once on `context` (`BPF_PROG_TEST_RUN`) and returns its return value.
    public func testRun(context: [UInt8]) throws(BPFError) -> UInt32 {
        var options = bpf_test_run_opts()
        options.sz = MemoryLayout<bpf_test_run_opts>.size
        var context = context
        let result = context.withUnsafeMutableBytes { bytes -> Int32 in
            options.ctx_in = UnsafeRawPointer(bytes.baseAddress)
            options.ctx_size_in = UInt32(bytes.count)
            return bpf_prog_test_run_opts(bpf_program__fd(pointer), &options)
        }
        try check(result, "bpf_prog_test_run_opts")
        return options.retval
    }
}

/// An owned attachment (`struct bpf_link`); destroying it (deinit) detaches the program.
public final class BPFLink {
    private let pointer: OpaquePointer
    private let object: BPFObject

    init(pointer: OpaquePointer, object: BPFObject) {
        self.pointer = pointer
        self.object = object
    }

    deinit { bpf_link__destroy(pointer) }
}

/// A map of a `BPFObject` (which it keeps alive). Keys and values are plain values laid out as in C.
public struct BPFMap {
    let object: BPFObject
    let pointer: OpaquePointer

    var fd: Int32 { bpf_map__fd(pointer) }

    /// Sets `key` to `value` (`bpf_map_update_elem`, `BPF_ANY`).
    public func update<Key: BitwiseCopyable, Value: BitwiseCopyable>(_ key: Key, _ value: Value) throws(BPFError) {
        var key = key, value = value
        try check(bpf_map_update_elem(fd, &key, &value, UInt64(BPF_ANY)), "bpf_map_update_elem")
    }

    /// Every key of a hash map (`bpf_map_get_next_key`); keys added or removed meanwhile may be
    /// missed or repeated.
    public func keys<Key: BitwiseCopyable>(of type: Key.Type) throws(BPFError) -> [Key] {
        var keys: [Key] = []
        var previous = [UInt8](repeating: 0, count: MemoryLayout<Key>.size), next = previous
        var first = true
        while true {
            let result = previous.withUnsafeBytes { previousBytes in
                next.withUnsafeMutableBytes { nextBytes in
                    bpf_map_get_next_key(fd, first ? nil : previousBytes.baseAddress, nextBytes.baseAddress)
                }
            }
            if result == -ENOENT { return keys }
            try check(result, "bpf_map_get_next_key")
            keys.append(next.withUnsafeBytes { $0.loadUnaligned(as: Key.self) })
            previous = next
            first = false
        }
    }

    /// Sets the value of a task-storage map for one thread (`tid`), keyed by a pidfd of it.
    /// Before Linux 6.9 (no `PIDFD_THREAD`) only a process's main thread has a pidfd; for the
    /// others this fails with `EINVAL`.
    public func updateTaskStorage<Value: BitwiseCopyable>(thread tid: Int32, _ value: Value) throws(BPFError) {
        var pidfd = pidfd_open(tid, UInt32(O_EXCL))  // PIDFD_THREAD (Linux 6.9): this thread, not its process
        if pidfd < 0 && errno == EINVAL { pidfd = pidfd_open(tid, 0) }
        guard pidfd >= 0 else { throw BPFError(function: "pidfd_open", code: errno, log: "") }
        defer { close(pidfd) }
        try update(pidfd, value)
    }

    /// The value at `key`, `nil` when there is none.
    public func lookup<Key: BitwiseCopyable, Value: BitwiseCopyable>(_ key: Key, as type: Value.Type) throws(BPFError) -> Value? {
        var key = key
        var bytes = [UInt8](repeating: 0, count: MemoryLayout<Value>.size)
        let result = bytes.withUnsafeMutableBytes { bpf_map_lookup_elem(fd, &key, $0.baseAddress) }
        if result == -ENOENT { return nil }
        try check(result, "bpf_map_lookup_elem")
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: Value.self) }
    }

    /// The per-CPU values at `key` of a per-CPU map, one for each possible CPU.
    public func lookupPerCPU<Key: BitwiseCopyable>(_ key: Key) throws(BPFError) -> [UInt64] {
        let cpus = libbpf_num_possible_cpus()
        try check(cpus, "libbpf_num_possible_cpus")
        var key = key
        var values = [UInt64](repeating: 0, count: Int(cpus))
        try check(bpf_map_lookup_elem(fd, &key, &values), "bpf_map_lookup_elem")
        return values
    }
}

/// An owned ring-buffer consumer (`struct ring_buffer`) of one `BPF_MAP_TYPE_RINGBUF` map.
public final class BPFRingBuffer {
    private final class Handler {
        var body: (UnsafeRawBufferPointer) -> Void = { _ in }
    }

    private var pointer: OpaquePointer!
    private let handler = Handler()
    private let map: BPFMap

    /// A consumer of `map` (`ring_buffer__new`).
    public init(map: BPFMap) throws(BPFError) {
        self.map = map
        let context = Unmanaged.passUnretained(handler).toOpaque()
        pointer = try check(ring_buffer__new(map.fd, { context, data, size in
            guard let context, let data else { return 0 }
            Unmanaged<Handler>.fromOpaque(context).takeUnretainedValue().body(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }, context, nil), "ring_buffer__new")
    }

    deinit { ring_buffer__free(pointer) }

    /// Waits up to `timeoutMilliseconds` for records and hands each to `body` (`ring_buffer__poll`);
    /// returns how many it handled. An interrupting signal (`EINTR`) counts as a timeout.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32, _ body: @escaping (UnsafeRawBufferPointer) -> Void) throws(BPFError) -> Int {
        handler.body = body
        let result = ring_buffer__poll(pointer, timeoutMilliseconds)
        if result == -EINTR { return 0 }
        try check(result, "ring_buffer__poll")
        return Int(result)
    }

    /// Hands every record already in the buffer to `body` without waiting (`ring_buffer__consume`).
    @discardableResult
    public func drain(_ body: @escaping (UnsafeRawBufferPointer) -> Void) throws(BPFError) -> Int {
        handler.body = body
        let result = ring_buffer__consume(pointer)
        try check(result, "ring_buffer__consume")
        return Int(result)
    }
}

/// Every BPF program loaded in the kernel, by id, with its name (`BPF_PROG_GET_NEXT_ID`,
/// `BPF_OBJ_GET_INFO_BY_FD`); a program unloaded meanwhile is left out.
public func loadedPrograms() throws(BPFError) -> [UInt32: String] {
    var programs: [UInt32: String] = [:]
    var id: UInt32 = 0
    while bpf_prog_get_next_id(id, &id) == 0 {
        let fd = bpf_prog_get_fd_by_id(id)
        guard fd >= 0 else { continue }
        defer { close(fd) }
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { continue }
        programs[id] = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    if errno != ENOENT { throw BPFError(function: "bpf_prog_get_next_id", code: errno, log: "") }
    return programs
}

/// `CLOCK_MONOTONIC` and `CLOCK_REALTIME` read together, in nanoseconds: converts the probe's
/// `bpf_ktime_get_ns` times to wall-clock time.
public func monotonicAndRealtimeNanoseconds() -> (monotonic: UInt64, realtime: UInt64) {
    var monotonic = timespec(), realtime = timespec()
    clock_gettime(CLOCK_MONOTONIC, &monotonic)
    clock_gettime(CLOCK_REALTIME, &realtime)
    func nanoseconds(_ time: timespec) -> UInt64 { UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec) }
    return (nanoseconds(monotonic), nanoseconds(realtime))
}
