using System.Security.Cryptography;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Writes one artifact of a backup: streamed to disk, encrypted when encryption is configured, hashed on the
/// way, flushed, and refused when empty.
/// </summary>
public sealed class ArtifactWriter(ArtifactEncryption encryption, TimeProvider time)
{
    /// <summary>Artifacts are written encrypted: a plaintext dump must never reach the disk on its way.</summary>
    public bool Encrypts => encryption.Enabled;

    /// <summary>
    /// A script command's output: its standard output, through <paramref name="tee"/> (a check that reads it as it is
    /// written), into DIRECTORY/FILE as <see cref="WriteAsync"/> writes it; the artifact goes to <paramref name="written"/>.
    /// </summary>
    public Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task> Writing(
        string directory, string file, Func<Stream, Stream> tee, Action<ArtifactRecord> written) =>
        async (spec, run, context) =>
            written(await WriteAsync(
                directory, file, context.Step, s => run(spec with { StandardOutput = tee(s) }), null, context.CancellationToken));

    /// <summary>
    /// Streams <paramref name="produce"/>'s bytes into DIRECTORY/FILE. Progress is the bytes written, or
    /// <paramref name="progressOf"/> where the step knows better (bytes read from the source).
    /// </summary>
    public async Task<ArtifactRecord> WriteAsync(
        string directory, string file, RunningStep step, Func<Stream, Task> produce, Func<long>? progressOf,
        CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var path = Path.Combine(directory, file);
        await using var stream = PrivateFiles.Create(path, 1 << 16, useAsync: true);
        using var sha256 = SHA256.Create();
        var plaintext = new ByteCounter();
        // Counted on the way rather than asked of the file: a live view may ask after the file is closed, while the
        // step goes on (a dump's session commits after its bytes are all written).
        var written = new ByteCounter();
        step.Track(progressOf ?? (() => written.Value));
        await using (
            var hashing = new CryptoStream(new CountingWriteStream(stream, written), sha256, CryptoStreamMode.Write, leaveOpen: true))
        {
            if (encryption.Enabled)
            {
                // Encrypted as it is written: the checksum, like the file, is the ciphertext's.
                await using (var encrypting = encryption.Encrypt(hashing, file))
                {
                    await produce(new CountingWriteStream(encrypting, plaintext));
                }
            }
            else
            {
                await produce(new CountingWriteStream(hashing, plaintext));
            }

            await hashing.FlushFinalBlockAsync(cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
        if (plaintext.Value == 0)
        {
            throw new OperationFailedException($"{file} is empty: the {step.Name} produced no bytes. The tool's output is in the run's " +
                $"log, kept beside the backups as {FailedLogs.ForWork(directory)}.");
        }

        step.Report(stream.Length);
        return new ArtifactRecord(file, stream.Length, Convert.ToHexStringLower(sha256.Hash!), startedAt, time.GetUtcNow());
    }

    /// <summary>Flushes a file another process wrote to disk, as the artifacts this process writes are.</summary>
    public static void Durable(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>An artifact that does not read back fails the backup (exit 1), it is not an integrity refusal.</summary>
    public static async Task<T> VerifyAsync<T>(Func<Task<T>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception ex) when (ex is IntegrityException or InvalidDataException)
        {
            throw new OperationFailedException($"Verification failed: {ex.Message}", ex);
        }
    }
}
