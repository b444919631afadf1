@testable import SysfenceCore
import Testing

/// The violation stream's lines, for people and for programs.
struct EventFormatterTests {
    /// 2026-12-03T13:03:07.512345Z
    static let time: UInt64 = 1_796_302_987_512_345_678

    static let event = ViolationEvent(
        time: time, processID: 1234, threadID: 1235, command: "cat",
        call: SeccompData(nr: 257, arch: Arch.x86_64.auditArch, instructionPointer: 0x7F00_0000_1000,
                          arguments: [0xFFFF_FFFF_FFFF_FF9C, 0x7FFC_6E1B_2F10, 0, 0x1B6, 0, 0]),
        arch: .x86_64, syscallName: "openat", action: .errno(13),
        origin: .rule(index: 2, location: SourceLocation(file: "policy.yaml", line: 12, column: 5)), mode: .enforce)

    static let errnoNames: [UInt16: String] = [13: "EACCES", 1: "EPERM"]

    @Test("A text line: time of day, command[pid/tid], the call, the outcome and the rule")
    func text() {
        let formatter = EventFormatter(format: .text, errnoNames: Self.errnoNames, utcOffset: 3600)
        #expect(formatter.line(for: Self.event)
                == "14:03:07.512345 cat[1234/1235] openat(-100, 0x7ffc6e1b2f10, 0, 438, 0, 0) -> errno(EACCES) at policy.yaml:12\n")
    }

    @Test("Colour marks the parts of a text line; JSON never has colour")
    func colour() {
        let line = EventFormatter(format: .text, colour: true, errnoNames: Self.errnoNames).line(for: Self.event)
        #expect(line.hasPrefix("\u{1B}[2m13:03:07.512345\u{1B}[0m \u{1B}[1mcat[1234/1235]\u{1B}[0m \u{1B}[1mopenat\u{1B}[0m("))
        #expect(line.contains("-> \u{1B}[33merrno(EACCES)\u{1B}[0m \u{1B}[2mat policy.yaml:12\u{1B}[0m\n"))
        #expect(!EventFormatter(format: .json, colour: true).line(for: Self.event).contains("\u{1B}"))
    }

    @Test("Audit lines say what would have happened; the default and bad-arch actions are named")
    func auditAndOrigins() {
        var event = Self.event
        event.mode = .audit
        event.origin = .defaultAction
        event.action = .killProcess
        event.processID = nil
        event.command = nil
        #expect(EventFormatter(format: .text).line(for: event)
                == "13:03:07.512345 ?[?/1235] openat(-100, 0x7ffc6e1b2f10, 0, 438, 0, 0) -> would be kill-process (audit) by the default action\n")
        event.origin = .badArch
        event.syscallName = nil
        event.mode = .enforce
        #expect(EventFormatter(format: .text).verdict(of: event)
                == "syscall#257(-100, 0x7ffc6e1b2f10, 0, 438, 0, 0) -> kill-process by the bad-arch action")
        event.origin = .rule(index: 4, location: nil)
        #expect(EventFormatter(format: .text).verdict(of: event).hasSuffix(" by rule 5"))
    }

    @Test("A JSON line holds every field, arguments as unsigned numbers")
    func json() {
        let line = EventFormatter(format: .json, errnoNames: Self.errnoNames).line(for: Self.event)
        #expect(line == """
            {"time":"2026-12-03T13:03:07.512345Z","pid":1234,"tid":1235,"comm":"cat","arch":"x86_64","syscall":"openat",\
            "nr":257,"args":[18446744073709551516,140722155761424,0,438,0,0],"strings":{},"ip":139637976731648,\
            "action":"errno(EACCES)","enforced":true,"decided_by":"rule",\
            "rule":{"index":2,"file":"policy.yaml","line":12,"column":5}}

            """)
    }

    @Test("String arguments show as C strings in text and by index in JSON")
    func strings() {
        var event = Self.event
        event.strings = [1: "/etc/\"odd\" name\n\u{7F}é"]
        #expect(EventFormatter(format: .text, errnoNames: Self.errnoNames).verdict(of: event)
                == #"openat(-100, "/etc/\"odd\" name\n\x7fé", 0, 438, 0, 0) -> errno(EACCES) at policy.yaml:12"#)
        event.strings = [1: "/etc/passwd", 0: "a"]
        #expect(EventFormatter(format: .json).line(for: event).contains(#""strings":{"0":"a","1":"/etc/passwd"},"ip""#))
    }

    @Test("JSON escapes quotes, backslashes and control characters, and writes null for what is unknown")
    func jsonEscapes() {
        var event = Self.event
        event.command = "a\"b\\c\n\u{1}é"
        event.processID = nil
        event.arch = nil
        event.mode = .audit
        event.origin = .badArch
        let line = EventFormatter(format: .json).line(for: event)
        #expect(line.contains(#""pid":null,"tid":1235,"comm":"a\"b\\c\n\u0001é","arch":null,"#))
        #expect(line.hasSuffix(#""enforced":false,"decided_by":"bad-arch","rule":null}"# + "\n"))
    }

    @Test("Arguments: small and 64-bit negative values in decimal, 32-bit negative ones on 32-bit ABIs, the rest in hex",
          arguments: [
              (UInt64(0), Arch?.some(.x86_64), "0"), (65_535, .x86_64, "65535"), (65_536, .x86_64, "0x10000"),
              (0xFFFF_FFFF_FFFF_FFFF, .x86_64, "-1"), (0xFFFF_FF9C, .x86, "-100"), (0xFFFF_FF9C, .x86_64, "0xffffff9c"),
              (0xFFFF_FF9C, nil, "0xffffff9c"),
          ])
    func arguments(value: UInt64, arch: Arch?, text: String) {
        #expect(EventFormatter.text(argument: value, arch: arch) == text)
    }

    @Test("Civil dates from day counts", arguments: [
        (0, 1970, 1, 1), (59, 1970, 3, 1), (11_016, 2000, 2, 29), (11_017, 2000, 3, 1), (20_790, 2026, 12, 3),
        (47_481, 2099, 12, 31), (47_482, 2100, 1, 1),
    ])
    func civilDates(days: Int, year: Int, month: Int, day: Int) {
        let date = EventFormatter.civilDate(daysSinceEpoch: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }
}
