import Foundation
import PackagePlugin

/// Compiles every `bpf/*.bpf.c` with `clang -target bpf` (and `vmlinux.h` from the running kernel's BTF)
/// into a generated Swift source that embeds the objects, rerun whenever a file in `bpf/` changes.
@main
struct BPFProbes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let bpf = context.package.directoryURL.appending(path: "bpf")
        let inputs = try FileManager.default.contentsOfDirectory(at: bpf, includingPropertiesForKeys: nil)
            .filter { ["c", "h", "sh"].contains($0.pathExtension) }
        let work = context.pluginWorkDirectoryURL
        let output = work.appending(path: "EmbeddedProbeObject.swift")
        return [.buildCommand(
            displayName: "Compiling eBPF probes in bpf/",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [bpf.appending(path: "build.sh").path, bpf.path, work.appending(path: "bpf").path, output.path],
            inputFiles: inputs,
            outputFiles: [output])]
    }
}
