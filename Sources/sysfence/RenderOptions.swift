import Foundation
import Sysfence

/// `--arch`, `--caps`, `--docker-default-caps` and `--kernel`: the host a seccomp profile (a moby
/// template above all) is rendered for, as `import` and `lint` read them.
enum RenderOptions {
    static let specs = [
        OptionSpec("arch", .value(placeholder: "arch"), help: "The host arch: amd64, arm64, 386, arm, riscv64, ppc64le, s390x (default: native)."),
        OptionSpec("caps", .value(placeholder: "CAP_A,CAP_B"), help: "The container's capabilities, for a template's caps conditions."),
        OptionSpec("docker-default-caps", help: "Docker's default capabilities (the default when --caps is not given)."),
        OptionSpec("kernel", .value(placeholder: "X.Y"), help: "The kernel version for minKernel conditions (default: the running kernel)."),
    ]

    static func parse(_ arguments: ParsedArguments) throws(UsageError) -> SeccompRenderOptions {
        var options = SeccompRenderOptions.host
        if let text = arguments.value("arch") {
            guard let parsed = Arch(name: text), parsed != .x32 else {
                throw UsageError(message: "Unknown host arch '\(text)'; expected amd64, arm64, 386, arm, riscv64, ppc64le or s390x")
            }
            options.arch = parsed
        }
        if let caps = arguments.value("caps") {
            if arguments.flag("docker-default-caps") { throw UsageError(message: "Give --caps or --docker-default-caps, not both") }
            options.capabilities = Set(caps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
                .map { $0.hasPrefix("CAP_") ? $0 : "CAP_" + $0 })
        }
        if let text = arguments.value("kernel") {
            guard let parsed = KernelVersion(release: text) else { throw UsageError(message: "Invalid kernel version '\(text)'; expected X.Y such as 6.1") }
            options.kernel = parsed
        }
        return options
    }
}
