using Summit.Dr.Archive.Remote;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Tests.Support;


namespace Summit.Dr.Tests.Errors;

/// <summary>
/// Each English pattern the tool still decides on, fed the text the program really prints (copied from
/// docker 28, podman, PostgreSQL 15's psql, cypher-shell and AWSSDK.S3 4.1); and SQLSTATEs read from
/// psql's verbose errors. The integration suite feeds the same patterns the live engine's own output.
/// </summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class KnownTextTests
{
    [TestCase("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", true)]
    [TestCase("error during connect: Get \"http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.47/info\": open //./pipe/docker_engine: The system " +
        "cannot find the file specified.", true)]
    [TestCase("Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`", true)]
    [TestCase("Error response from daemon: No such container: postgres", false)]
    public void Docker_unreachable(string stderr, bool expected) => Assert.That(DockerText.IsUnreachable(stderr), Is.EqualTo(expected));

    [TestCase("Error response from daemon: Container 39747e5c09f4d2110d21a3b152720b4d5471c1155f2b7730326f569e7cc5edd6 is not " +
        "running", true)]
    [TestCase("Error: can only create exec sessions on running containers: container state improper", true)]
    [TestCase("Unable to establish connection to localhost:7687", false)]
    public void Docker_exec_into_a_stopped_container(string stderr, bool expected) =>
        Assert.That(DockerText.IsNotRunning(stderr), Is.EqualTo(expected));

    [TestCase("The client is unauthorized due to authentication failure.", true)]
    [TestCase("Connection refused", false)]
    public void Cypher_shell_refusing_the_credentials(string stderr, bool expected) =>
        Assert.That(Neo4jText.IsUnauthorized(stderr), Is.EqualTo(expected));

    [TestCase("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: " +
        "Exception 1 of 4:", true)]
    [TestCase("Unable to get IAM security credentials from EC2 Instance Metadata Service.", true)]
    [TestCase("The remote server returned an error: (503) Slow Down.", false)]
    public void Aws_sdk_without_credentials(string message, bool expected) =>
        Assert.That(S3Text.IsMissingCredentials(message), Is.EqualTo(expected));

    [TestCase("Expected hash not equal to calculated hash", true)]
    [TestCase("The request signature we calculated does not match the signature you provided.", false)]
    public void Aws_sdk_finding_a_damaged_object(string message, bool expected) =>
        Assert.That(S3Text.IsDamagedObject(message), Is.EqualTo(expected));

    [TestCase("pg_restore: error: could not execute query: ERROR:  could not extend file \"base/16384/16397\": No space left on " +
        "device", true)]
    [TestCase("neo4j-admin: java.io.IOException: No space left on device", true)]
    [TestCase("pg_restore: error: could not read input file: end of file", false)]
    public void A_full_disk_in_a_tools_error(string stderr, bool expected) => Assert.That(DiskFull.IsIn(stderr), Is.EqualTo(expected));

    [Test]
    public void A_verbose_psql_error_gives_its_sqlstate_and_its_message_not_the_location()
    {
        var error = PostgresError.Parse(FakeDocker.Result(1, stderr: "psql:<command-line>:1: ERROR:  3D000: database \"intelgraph_dev\" " +
            "does not exist\nLOCATION:  get_db_info, dbcommands.c:1712\n"));

        Assert.Multiple(() =>
        {
            Assert.That(error.SqlState, Is.EqualTo(PostgresError.InvalidCatalogName));
            Assert.That(error.Message, Is.EqualTo("ERROR:  database \"intelgraph_dev\" does not exist"));
        });
    }

    [Test]
    public void A_psql_error_without_a_code_keeps_its_last_line_and_no_sqlstate()
    {
        var error = PostgresError.Parse(FakeDocker.Result(2, stderr: "psql: error: connection to server on socket " +
            "\"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n"));

        Assert.That(error.SqlState, Is.Null);
        Assert.That(error.Message, Does.Contain("connection to server on socket"));
    }
}
