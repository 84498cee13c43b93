using Microsoft.Extensions.Options;

namespace Summit.Dr.Configuration;

/// <summary>The platform's directories as the configuration names them, resolved against the working directory.</summary>
public sealed class PlatformPaths(IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory)
{
    /// <summary>The live uploads tree (Uploads:Path).</summary>
    public string Uploads => workingDirectory.Resolve(options.Value.Uploads.Path);

}
