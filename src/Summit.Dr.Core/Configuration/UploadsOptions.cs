namespace Summit.Dr.Configuration;

public sealed class UploadsOptions
{
    /// <summary>Relative to the working directory unless absolute.</summary>
    public string Path { get; set; } = "server/uploads";

    /// <summary>
    /// Whether a backup may go on without the uploads directory (a platform that has none yet): the manifest then says
    /// the store is missing. Off by default: a run from the wrong directory fails instead of reporting a backup without them.
    /// </summary>
    public bool Optional { get; set; }
}
