namespace Summit.Dr.IO;

/// <summary>
/// Files and directories that hold backups, logs and state: readable by their owner only (0600 and 0700),
/// whatever the umask. A mode asked for at creation can only lose bits to the umask, never gain any.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>A new file (it must not exist), mode 0600.</summary>
    public static FileStream Create(string path, int bufferSize = 4096, bool useAsync = false) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = bufferSize,
            Options = useAsync ? FileOptions.Asynchronous : FileOptions.None,
            UnixCreateMode = File,
        });

    /// <summary>Creates the directory (and its missing parents) mode 0700; an existing one is left as it is, unless it is a link, which is
    /// refused.</summary>
    public static void CreateDirectory(string path) => SafeFiles.CreateDirectory(path, Directory);

    /// <summary>
    /// The backup root: created 0700; an existing one that others may enter is made 0700 too (it holds every
    /// backup), unless it is another user's, which is said.
    /// </summary>
    public static void CreateRoot(string root, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (!System.IO.Directory.Exists(root))
        {
            CreateDirectory(root);
            return;
        }

        var mode = System.IO.File.GetUnixFileMode(root);
        if ((mode & ~Directory & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit)) == 0)
        {
            return;
        }

        try
        {
            System.IO.File.SetUnixFileMode(root, Directory);
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "Made the backup root {Root} private (0700; it was " +
                "{Mode})", root, Convert.ToString((int)mode, 8));
        }
        catch (UnauthorizedAccessException ex)
        {
            // Another user's directory: its owner decides who may read it.
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "The backup root {Root} is readable by others ({Mode}) and " +
                "not this user's to change ({Error}): make it 0700", root, Convert.ToString((int)mode, 8), ex.Message);
        }
    }

    /// <summary>Makes an existing file or directory private (0600 or 0700).</summary>
    public static void Restrict(string path)
    {
        var directory = System.IO.Directory.Exists(path);
        System.IO.File.SetUnixFileMode(path, directory ? Directory : File);
    }
}
