@_exported import SysfenceCore
