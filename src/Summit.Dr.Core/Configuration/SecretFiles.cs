using Summit.Dr.Errors;


namespace Summit.Dr.Configuration;

/// <summary>How settings name secrets and keys: a passphrase is the first line of a file, else an environment variable, never a setting's
/// value; key files are comma-separated paths.</summary>
public sealed class SecretFiles(WorkingDirectory workingDirectory)
{
    /// <summary>The first line of <paramref name="path"/>, else the environment variable; null when neither is set.</summary>
    public char[]? Passphrase(string? path, string setting, string variable)
    {
        if (path is { Length: > 0 })
        {
            var full = workingDirectory.Resolve(path);
            try
            {
                using var reader = new StreamReader(full);
                var line = reader.ReadLine();
                return line is { Length: > 0 } ? line.ToCharArray() : throw new UsageException($"{setting}: {full} is empty; its first " +
                    $"line must be the passphrase.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{setting}: cannot read {full}: {ex.Message}", ex);
            }
        }

        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value.ToCharArray() : null;
    }

    /// <summary>The files of a comma-separated list, resolved against the working directory.</summary>
    public IReadOnlyList<string> Paths(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(
            workingDirectory.Resolve).ToList();
}
