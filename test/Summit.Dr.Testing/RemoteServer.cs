using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Summit.Dr.Testing;

/// <summary>
/// A real off-site store on loopback, started by the test from the npm registry's packages that
/// test/fixtures/test-tools.sh installs (pinned in test/fixtures/remote-servers/package.json): s3rver, an
/// S3-compatible server, or azurite, Microsoft's Azure Storage emulator. Its data lives in a directory of
/// its own, so it can be killed mid-transfer and started again on the same data.
/// </summary>
public sealed class RemoteServer : IAsyncDisposable
{
    public const string Bucket = "summit-dr-test";
    public const string Container = "summit-dr-test";
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _program;
    private readonly Func<int, string, string[]> _arguments;
    private Process? _process;

    private RemoteServer(string kind, string program, Func<int, string, string[]> arguments)
    {
        Kind = kind;
        _program = program;
        _arguments = arguments;
        Port = FreePort();
        DataDirectory = Directory.CreateTempSubdirectory($"summit-dr-{kind}-").FullName;
    }

    /// <summary>`s3` or `azure-blob`, as Remote:Kind names it.</summary>
    public string Kind { get; }

    public int Port { get; }

    public string DataDirectory { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public static string Modules => Path.Combine(Repo.Root, "test", "fixtures", "remote-servers", "node_modules", ".bin");

    /// <summary>The credentials, as the tool takes them: from the environment, never from settings.</summary>
    public IReadOnlyDictionary<string, string> Environment => Kind == "s3"
        ? new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "S3RVER", ["AWS_SECRET_ACCESS_KEY"] = "S3RVER" }
        : new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = ConnectionString };

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint={Endpoint}/devstoreaccount1;";

    /// <summary>The Remote:* settings that point summit-dr here, as --set arguments.</summary>
    public string[] Settings(string prefix = "summit-dr") => Kind == "s3"
        ? ["--set", "Remote:Kind=s3", "--set", "Remote:Bucket=" + Bucket, "--set", "Remote:Endpoint=" + Endpoint, "--set",
            "Remote:ForcePathStyle=true",
            "--set", "Remote:Region=us-east-1", "--set", "Remote:Prefix=" + prefix, "--set", "Remote:RetryDelaySeconds=0.2"]
        : ["--set", "Remote:Kind=azure-blob", "--set", "Remote:Container=" + Container, "--set", "Remote:Prefix=" + prefix, "--set",
            "Remote:RetryDelaySeconds=0.2"];

    public static async Task<RemoteServer> StartS3Async()
    {
        var server = new RemoteServer("s3", Path.Combine(Modules, "s3rver"), (port, data) =>
            ["-d", data, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent",
                "--no-vhost-buckets", "--configure-bucket", Bucket]);
        await server.StartAsync();
        return server;
    }

    public static async Task<RemoteServer> StartAzuriteAsync()
    {
        var server = new RemoteServer("azure-blob", Path.Combine(Modules, "azurite-blob"), (port, data) =>
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", data,
                "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose"]);
        await server.StartAsync();
        var client = new Azure.Storage.Blobs.BlobContainerClient(server.ConnectionString, Container);
        await client.CreateIfNotExistsAsync();
        return server;
    }

    /// <summary>Starts the server on its port and data, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(_program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in _arguments(Port, DataDirectory))
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_program)} exited with {_process.ExitCode}; is " +
                    $"test/fixtures/test-tools.sh run?");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{Path.GetFileName(_program)} did not listen on {Port} within 60 s.");
    }

    /// <summary>Damages one stored object in place (same size, one byte changed), as bit rot or a faulty store would.</summary>
    public async Task FlipByteAsync(string key)
    {
        if (Kind == "s3")
        {
            var path = Path.Combine(DataDirectory, Bucket, key + "._S3rver_object");
            await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            file.Position = file.Length / 2;
            var value = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)(value ^ 0x01));
            return;
        }

        var blob = new Azure.Storage.Blobs.BlobClient(ConnectionString, Container, key);
        using var content = new MemoryStream();
        await blob.DownloadToAsync(content);
        var bytes = content.ToArray();
        bytes[bytes.Length / 2] ^= 0x01;
        await blob.UploadAsync(new BinaryData(bytes), overwrite: true);
    }

    /// <summary>Stores <paramref name="bytes"/> under <paramref name="key"/> as any client with the bucket's credentials could: how a
    /// planted object gets there.</summary>
    public async Task PutAsync(string key, byte[] bytes)
    {
        if (Kind == "s3")
        {
            using var client = new Amazon.S3.AmazonS3Client(
                new Amazon.Runtime.BasicAWSCredentials("S3RVER", "S3RVER"),
                new Amazon.S3.AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
                    RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED });
            // Without aws-chunked framing, which s3rver would keep as the object's bytes.
            await client.PutObjectAsync(
                new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(bytes),
                    UseChunkEncoding = false });
            return;
        }

        await new Azure.Storage.Blobs.BlobClient(ConnectionString, Container, key).UploadAsync(new BinaryData(bytes), overwrite: true);
    }

    /// <summary>The bytes stored under <paramref name="key"/>.</summary>
    public async Task<byte[]> GetAsync(string key)
    {
        if (Kind == "s3")
        {
            using var client = new Amazon.S3.AmazonS3Client(
                new Amazon.Runtime.BasicAWSCredentials("S3RVER", "S3RVER"),
                new Amazon.S3.AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
            using var response = await client.GetObjectAsync(Bucket, key);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }

        var content = await new Azure.Storage.Blobs.BlobClient(ConnectionString, Container, key).DownloadContentAsync();
        return content.Value.Content.ToArray();
    }

    /// <summary>Kills the server, as a network failure would cut it off mid-transfer.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp dir.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
