using Summit.Dr.Archive.Encryption;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Steps;


namespace Summit.Dr.Archive;

/// <summary>
/// How a restore, a drill and a point-in-time recovery take an artifact in: read once, through one handle that
/// follows no link, its size checked against the manifest before, decrypted on the way when encrypted, and its
/// SHA-256 (of the file, as the manifest records it) computed on the very bytes that go to the sink, which writes
/// them into a place the backup root's writers cannot reach (the store's own volume). Only once size and SHA-256
/// matched may what was written there be run; on a mismatch the sink's copy is the caller's to remove (exit 4).
/// </summary>
public sealed class ArtifactCopy(ArtifactEncryption encryption)
{
    /// <summary>
    /// A script command's input: one store's artifact of <paramref name="backup"/> fed to the command as it runs,
    /// refused (exit 4) unless its size and SHA-256 are the manifest's once it has all gone in.
    /// </summary>
    public Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task> Feeding(
        OpenedBackup backup, BackupComponent component) =>
        (spec, run, context) =>
            IntoAsync(backup, component, (source, _) => run(spec with { StandardInput = source }), context.Step, context.CancellationToken);

    /// <inheritdoc cref="Feeding(OpenedBackup, BackupComponent)"/>
    public Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task> Feeding(
        string directory, BackupManifest? manifest, string file, ArtifactRecord? expected) =>
        (spec, run, context) =>
            IntoAsync(directory, manifest, file, expected, (source, _) =>
                run(spec with { StandardInput = source }), context.Step, context.CancellationToken);

    /// <summary>One store's artifact of <paramref name="backup"/> into <paramref name="sink"/>; returns the file's bytes.</summary>
    public Task<long> IntoAsync(
        OpenedBackup backup, BackupComponent component, Func<Stream, CancellationToken, Task> sink, RunningStep? step,
        CancellationToken cancellationToken)
    {
        var expected = ArtifactChecks.RequirePresent(backup, component);
        return IntoAsync(backup.Directory, backup.Manifest, BackupLayout.FileOf(component), expected, sink, step, cancellationToken);
    }

    /// <summary>Any artifact by its name (the base backup beside the dump); <paramref name="expected"/> is null for a backup without a
    /// manifest.</summary>
    public async Task<long> IntoAsync(
        string directory, BackupManifest? manifest, string file, ArtifactRecord? expected, Func<Stream, CancellationToken, Task> sink,
            RunningStep? step, CancellationToken cancellationToken)
    {
        await using var source = encryption.OpenHashing(directory, manifest, file);
        if (expected is not null && source.Length != expected.Size)
        {
            throw new IntegrityException($"{file} is {source.Length} bytes, but the manifest records {expected.Size}: the file was " +
                $"truncated or changed.");
        }

        step?.Track(() => source.BytesRead);
        try
        {
            await sink(source, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A changed or damaged byte usually breaks the consumer first (a decryption, a copy cut short): the checksum names the cause
            // better.
            if (await MismatchAsync(source, expected, cancellationToken) is { } integrity)
            {
                throw integrity;
            }

            throw;
        }

        ArtifactChecks.RequireChecksum(expected, await source.FinishAsync(cancellationToken));
        return source.Length;
    }

    private static async Task<IntegrityException?> MismatchAsync(
        HashingReadStream source, ArtifactRecord? expected, CancellationToken cancellationToken)
    {
        try
        {
            ArtifactChecks.RequireChecksum(expected, await source.FinishAsync(cancellationToken));
            return null;
        }
        catch (IntegrityException ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return null;
        }
    }
}
