/// The version of sysfence, the one place it is written; `sysfence --version` prints it.
public let sysfenceVersion = "0.1.0"
