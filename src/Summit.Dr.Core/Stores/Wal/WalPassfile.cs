using System.Text;
using Summit.Dr.Engine.Docker;
using Summit.Dr.IO;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The archiver's password, when Postgres:Password is set, as libpq reads it: from a passfile (PGPASSFILE, mode 0600),
/// never from an environment variable the engine would keep in the container's configuration for anyone who can run
/// `docker inspect`. Through a bind mount it is `wal/.pgpass-POSTGRES` beside the branches, mounted read-only; where
/// the archiver writes into a volume (a remote engine) it is written into the branch's directory there, mode 0600.
/// </summary>
public static class WalPassfile
{
    public const string MountPoint = "/summit-dr-pgpass";

    /// <summary>The passfile beside the branch directories of a bind-mounted archive.</summary>
    public static string HostPath(string branchDirectory, string postgres) =>
        Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(branchDirectory))!, ".pgpass-" + postgres);

    /// <summary>The passfile in the branch's directory of the WAL volume.</summary>
    public static string VolumePath(WalBranch branch) => WalVolume.DirectoryOf(branch) + "/.pgpass";

    /// <summary>One line that matches any host, port and database (a replication connection included) for the user.</summary>
    public static byte[] Content(string user, string password) => Encoding.UTF8.GetBytes($"*:*:*:{Escape(user)}:{Escape(password)}\n");

    /// <summary>The archiver's arguments that point libpq at the passfile.</summary>
    public static IReadOnlyList<string> RunArgs(string branchDirectory, string postgres, WalBranch branch, bool inVolume) => inVolume
        ? ["-e", "PGPASSFILE=" + VolumePath(branch)]
        : ["--mount", new BindMount(HostPath(branchDirectory, postgres), MountPoint, ReadOnly: true).Argument, "-e",
            "PGPASSFILE=" + MountPoint];

    /// <summary>The passfile written into the volume (standard input), then made 0600: libpq ignores one others may read.</summary>
    public static IReadOnlyList<ProcessSpec> VolumeSpecs(DockerCli docker, string postgres, string image, WalBranch branch) =>
    [
        docker.Spec(["run", "--rm", "-i", "--network", "none", "--user", UnixOwners.DockerUser, "--mount",
            WalVolume.MountArgument(WalVolume.NameFor(postgres)), image, "dd", "of=" + VolumePath(branch)]),
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount",
            WalVolume.MountArgument(WalVolume.NameFor(postgres)), image, "chmod", "0600", VolumePath(branch)]),
    ];

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
}
