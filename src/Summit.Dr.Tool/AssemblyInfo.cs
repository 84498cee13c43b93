// summit-dr drives a docker CLI on Linux, with POSIX modes, owners and signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
