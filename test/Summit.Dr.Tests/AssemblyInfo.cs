// The tool and its tests run on Linux, as the platform they back up does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
