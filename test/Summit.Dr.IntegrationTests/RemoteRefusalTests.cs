using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// What a store refuses, said in one line that names the setting to change, from the real servers' answers
/// (s3rver and azurite on loopback): no such bucket or container, no credentials; and names a store would
/// reject, refused when the configuration is read (exit 2), before any backup work.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class RemoteRefusalTests
{
    [Test]
    public async Task A_missing_bucket_or_container_is_one_line_naming_the_setting()
    {
        await using var s3 = await RemoteServer.StartS3Async();
        await using var azure = await RemoteServer.StartAzuriteAsync();
        var dir = Directory.CreateTempSubdirectory("summit-dr-refusal-").FullName;

        using var bucket = ToolRun.Start(
            dir, ["list", "--remote", .. s3.Settings(), "--set", "Remote:Bucket=no-such-bucket"], s3.Environment);
        using var container = ToolRun.Start(
            dir, ["list", "--remote", .. azure.Settings(), "--set", "Remote:Container=no-such-container"], azure.Environment);
        await bucket.WaitAsync(TimeSpan.FromMinutes(1));
        await container.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Multiple(() =>
        {
            AssertOneLine(bucket, 1, "the bucket 'no-such-bucket' does not exist", "Remote:Bucket");
            AssertOneLine(container, 1, "the container 'no-such-container' does not exist", "Remote:Container");
        });
    }

    [Test]
    public async Task No_credentials_at_all_is_one_line_naming_the_variables()
    {
        await using var s3 = await RemoteServer.StartS3Async();
        var dir = Directory.CreateTempSubdirectory("summit-dr-refusal-").FullName;

        // No AWS_* credentials, no shared files, and no instance metadata service to ask.
        using var run = ToolRun.Start(dir, ["list", "--remote", .. s3.Settings()], new Dictionary<string, string>
        {
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(dir, "none"),
            ["AWS_CONFIG_FILE"] = Path.Combine(dir, "none"),
        });
        await run.WaitAsync(TimeSpan.FromMinutes(1));

        AssertOneLine(run, 1, "there are no credentials", "AWS_ACCESS_KEY_ID");
    }

    [TestCase("Remote:Kind=azure-blob", "Remote:Container=ab", "Remote:Container 'ab' is not a valid Azure container name")]
    [TestCase("Remote:Kind=azure-blob", "Remote:Container=Evidence_Files", "Remote:Container 'Evidence_Files' is not a valid Azure " +
        "container name")]
    [TestCase("Remote:Kind=s3", "Remote:Bucket=x", "Remote:Bucket 'x' is not a valid S3 bucket name")]
    [TestCase("Remote:Kind=s3", "Remote:Prefix=p", "Remote:Kind is s3 but Remote:Bucket is not set")]
    [TestCase("Remote:Kind=gcs", "Remote:Prefix=p", "Remote:Kind is 'gcs': it must be s3 or azure-blob")]
    public async Task A_name_the_store_would_refuse_is_exit_2_before_any_backup_work(string kind, string setting, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-refusal-").FullName;
        var docker = Path.Combine(dir, "docker-calls");
        var cli = Path.Combine(dir, "fake-docker");
        File.WriteAllText(cli, $"#!/bin/sh\necho \"$*\" >> '{docker}'\nexit 1\n");
        File.SetUnixFileMode(cli, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var run = await ToolRun.RunAsync(dir, "backup", "--push", "--docker", cli, "--set", kind, "--set", setting);

        AssertOneLine(run, 2, expected, expected.Split(' ')[0]);
        Assert.That(File.Exists(docker), Is.False, "not one docker command: the configuration is refused first");
    }

    private static void AssertOneLine(ToolRun run, int exitCode, string says, string names)
    {
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)).ToList();
        Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.Describe());
        Assert.That(errors, Has.Count.EqualTo(1), run.Describe());
        Assert.That(errors.Single(), Does.Contain(says).And.Contain(names).And.Not.Contain("Unexpected failure"), run.Describe());
        Assert.That(run.Stderr, Does.Not.Contain("Headers:").And.Not.Contain("<?xml").And.Not.Contain("RequestId"), "the SDK's whole " +
            "response is not printed");
    }
}
