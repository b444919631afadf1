// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sysfence",
    products: [
        .library(name: "Sysfence", targets: ["Sysfence"]),
        .executable(name: "sysfence", targets: ["sysfence"]),
    ],
    targets: [
        // C libraries, reached only through the thin wrapper modules below.
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CBPF", pkgConfig: "libbpf", providers: [.apt(["libbpf-dev", "libelf-dev"])]),
        // Values of named constants and the kernel calls Swift cannot make directly (variadic syscall, ioctl).
        .target(name: "CSysHeaders"),

        // Wrapper modules: one small Swift function per C call, errors as Swift values.
        .target(name: "Libseccomp", dependencies: ["CSeccomp", "SysfenceCore"]),
        .target(name: "YAML", dependencies: ["CYAML", "SysfenceCore"]),
        .target(name: "LinuxKernel", dependencies: ["CSysHeaders", "SysfenceCore"]),
        .target(name: "BPFLoader", dependencies: ["CBPF"]),
        // Compiles bpf/*.bpf.c into the Sysfence library (clang -target bpf, bpftool for vmlinux.h).
        .plugin(name: "BPFProbes", capability: .buildTool()),

        // The pure-Swift core: model, front-end syntax, compiler, emulator. No C imports.
        .target(name: "SysfenceCore"),

        // The library product: the core plus the wiring to the system (tables, YAML, kernel).
        .target(name: "Sysfence", dependencies: ["SysfenceCore", "Libseccomp", "YAML", "LinuxKernel", "BPFLoader"],
                resources: [.copy("Resources/syscall-frequencies.tsv")], plugins: ["BPFProbes"]),
        .executableTarget(name: "sysfence", dependencies: ["Sysfence", "LinuxKernel"]),
        // A program that sandboxes itself with the library (docs/enforcer.md); the tests run it.
        .executableTarget(name: "SelfSandboxExample", dependencies: ["Sysfence"], path: "Examples/SelfSandbox"),
        // Not a test: per-syscall cost and event throughput of the eBPF probes (run as root).
        // Not a test: the compiler against libseccomp on the same rules.
        .executableTarget(name: "bench-compiler", dependencies: ["Sysfence", "Libseccomp"], path: "bench/compiler"),
        .executableTarget(name: "bench-probes", dependencies: ["Sysfence", "BPFLoader"], path: "bench/probes"),
        // Not a test: recording overhead on syscall-heavy workloads against none and strace -f -c.
        .executableTarget(name: "bench-recording", dependencies: ["Sysfence"], path: "bench/recording"),
        // Not a test: allowed calls and reported violations under `sysfence run` against the filter alone.
        .executableTarget(name: "bench-enforcer", dependencies: ["Sysfence", "LinuxKernel"], path: "bench/enforcer",
                          exclude: ["calls.c"]),

        .target(name: "TestSupport", dependencies: ["Sysfence", "Libseccomp"], path: "Tests/TestSupport"),
        .testTarget(name: "SysfenceCoreTests", dependencies: ["SysfenceCore", "TestSupport"]),
        .testTarget(name: "SysfenceTests", dependencies: ["Sysfence", "YAML", "Libseccomp", "LinuxKernel", "TestSupport", "BPFLoader"],
                    exclude: ["Resources"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "LibseccompTests", dependencies: ["Libseccomp", "TestSupport"]),
        .testTarget(name: "sysfenceTests", dependencies: ["sysfence", "TestSupport"]),
        .testTarget(name: "LinuxKernelTests", dependencies: ["LinuxKernel", "TestSupport"]),
    ]
)
