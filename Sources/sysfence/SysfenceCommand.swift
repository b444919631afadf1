import Sysfence

/// The root of the command tree: `sysfence <subcommand>`.
enum SysfenceCommand: CommandNode {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "sysfence",
            abstract: "Check seccomp policies for containers.",
            version: sysfenceVersion,
            subcommands: [CheckCommand.self, LintCommand.self, CompileCommand.self, SimulateCommand.self, AuditCommand.self,
                          TraceCommand.self, RunCommand.self, RecordCommand.self, MergeCommand.self, DiffCommand.self,
                          ImportCommand.self, OCICommand.self])
    }
}
