using CliWrap.Buffered;

namespace Summit.Dr.Testing;

/// <summary>
/// A throwaway gpg home with one key as `gpg --quick-gen-key` makes it for a person: a signing-only primary
/// key and an encryption subkey, exported armored as a user would hand them to summit-dr.
/// </summary>
public sealed class GpgHome : IDisposable
{
    private GpgHome(string directory, string fingerprint, string encryptionKeyId, string? passphrase)
    {
        Directory = directory;
        Fingerprint = fingerprint;
        EncryptionKeyId = encryptionKeyId;
        Passphrase = passphrase;
    }

    public string Directory { get; }

    /// <summary>The primary key's fingerprint (40 hex digits, upper case).</summary>
    public string Fingerprint { get; }

    /// <summary>The encryption subkey's 16-digit key id.</summary>
    public string EncryptionKeyId { get; }

    /// <summary>The passphrase protecting the secret key, or null when it is unprotected.</summary>
    public string? Passphrase { get; }

    public string PublicKeyFile => Path.Combine(Directory, "public.asc");

    public string SecretKeyFile => Path.Combine(Directory, "secret.asc");

    /// <param name="algorithm">The primary (signing) key's algorithm, as `gpg --quick-gen-key` takes it: rsa3072, ed25519, ...</param>
    public static async Task<GpgHome> CreateAsync(string userId = "Summit DR test " +
        "<dr@example.test>", string? passphrase = null, string algorithm = "rsa3072")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("summit-dr-gpg-").FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var secret = passphrase ?? string.Empty;
        await GpgAsync(
            directory, "--batch", "--pinentry-mode", "loopback", "--passphrase", secret, "--quick-gen-key", userId, algorithm, "sign",
            "never");
        var fingerprint = Fields(await GpgAsync(directory, "--with-colons", "--list-keys"), "fpr")[0][9];
        await GpgAsync(
            directory, "--batch", "--pinentry-mode", "loopback", "--passphrase", secret, "--quick-add-key", fingerprint, "rsa3072", "encr",
            "never");
        var subkey = Fields(await GpgAsync(directory, "--with-colons", "--list-keys"), "sub")[0][4];
        await File.WriteAllTextAsync(Path.Combine(directory, "public.asc"), await GpgAsync(directory, "--armor", "--export", fingerprint));
        await File.WriteAllTextAsync(
            Path.Combine(directory, "secret.asc"),
            await GpgAsync(
                directory, "--batch", "--pinentry-mode", "loopback", "--passphrase", secret, "--armor", "--export-secret-keys",
                fingerprint));
        return new GpgHome(directory, fingerprint, subkey, passphrase);
    }

    /// <summary>`gpg --decrypt` of <paramref name="input"/> into <paramref name="output"/>, with this home's key (or only <paramref
    /// name="symmetric"/>).</summary>
    public Task<BufferedCommandResult> DecryptAsync(string input, string output, string? symmetric = null) =>
        Sh.RunAsync("gpg",
            ["--homedir", Directory, "--verbose", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", symmetric
                ?? Passphrase ?? string.Empty, "--output", output, "--decrypt", input]);

    /// <summary>`gpg --verify SIGNATURE FILE` with this home's keys.</summary>
    public Task<BufferedCommandResult> VerifyAsync(string signature, string file) =>
        Sh.RunAsync("gpg", ["--homedir", Directory, "--batch", "--trust-model", "always", "--verify", signature, file]);

    /// <summary>`gpg --armor --detach-sign` of <paramref name="file"/> into <paramref name="signature"/>, as someone signing by hand
    /// would.</summary>
    public Task<BufferedCommandResult> SignAsync(string file, string signature) =>
        Sh.RunAsync("gpg",
            ["--homedir", Directory, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", Passphrase
                ?? string.Empty, "--armor", "--output", signature, "--detach-sign", file]);

    /// <summary>`gpg --list-packets` of a file (what gpg reads of its structure: S2K counts, key ids).</summary>
    public Task<BufferedCommandResult> ListPacketsAsync(string file, string? passphrase = null) =>
        Sh.RunAsync("gpg",
            ["--homedir", Directory, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase ?? Passphrase
                ?? string.Empty, "--list-packets", file]);

    /// <summary>`gpg --encrypt` of <paramref name="input"/> to this home's key, as someone restoring by hand might have made it.</summary>
    public Task<BufferedCommandResult> EncryptAsync(string input, string output) =>
        Sh.RunAsync("gpg",
            ["--homedir", Directory, "--batch", "--yes", "--trust-model", "always", "--recipient", Fingerprint, "--output", output,
                "--encrypt", input]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // gpg-agent may still hold its socket for a moment; the temp dir is cleaned eventually.
        }
    }

    private static List<string[]> Fields(string colons, string record) =>
        colons.Split('\n').Select(l => l.Split(':')).Where(f => f[0] == record).ToList();

    private static async Task<string> GpgAsync(string home, params string[] args)
    {
        CliWrap.Buffered.BufferedCommandResult result;
        try
        {
            result = await Sh.RunAsync("gpg", ["--homedir", home, .. args]);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("gpg is not installed: run test/fixtures/test-tools.sh (Debian's gnupg).", ex);
        }

        return result.ExitCode == 0
            ? result.StandardOutput
            : throw new InvalidOperationException($"gpg {string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}");
    }
}
