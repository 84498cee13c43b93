namespace Summit.Dr.Configuration;

public sealed class UploadsOptions
{
    /// <summary>Relative to the working directory unless absolute.</summary>
    public string Path { get; set; } = "server/uploads";
}
