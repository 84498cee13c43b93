using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Show;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `show` says of a backup, as text or as one JSON document.</summary>
internal static class ShowReport
{
    public static int Write(ToolConsole console, BackupShown shown, bool json)
    {
        var (entry, manifest) = (shown.Entry, shown.Manifest);
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "show",
                backup = entry.Name,
                directory = entry.Directory,
                state = entry.State.ToString().ToLowerInvariant(),
                problem = entry.Problem,
                bytes = entry.Bytes,
                signature = shown.Trust,
                lastDrill = shown.LastDrill,
                manifest,
            });
            return ExitCodes.Success;
        }

        var o = console.Out;
        o.WriteLine($"backup      {entry.Name} ({entry.State.ToString().ToLowerInvariant()}{(entry.Problem is { } p ? $": {p}" : "")}), " +
            $"{entry.Directory}");
        if (manifest is null)
        {
            o.WriteLine("made        without a manifest (the runbook's scripts): no checksums, no signature; " +
                $"{string.Join(", ", entry.Components.Select(c => c.ToString().ToLowerInvariant()))}, " +
                $"{LoggingProgressReporter.FormatBytes(entry.Bytes)}");
            return ExitCodes.Success;
        }

        o.WriteLine($"made        {manifest.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz} on {manifest.Host} by summit-dr " +
            $"{manifest.ToolVersion}; {manifest.Kind.ToString().ToLowerInvariant()}, {LoggingProgressReporter.FormatBytes(entry.Bytes)}");
        Store(o, "postgres", manifest.Postgres.Status, manifest.Postgres.Artifact,
            $"database {manifest.Postgres.Database}{(manifest.Postgres.TableCount is { } t ? $", {t} tables" : "")}");
        if (manifest.Postgres.Base is { } pitrBase)
        {
            var size = LoggingProgressReporter.FormatBytes(pitrBase.Artifact.Size);
            o.WriteLine($"            base backup {pitrBase.Artifact.File}, {size}, " +
                $"timeline {pitrBase.Timeline}, ends at {pitrBase.EndLsn}: with the WAL archive, PostgreSQL restores to any second " +
                $"after {pitrBase.Artifact.FinishedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}");
        }

        Store(o, "neo4j", manifest.Neo4j.Status, manifest.Neo4j.Artifact,
            $"database {manifest.Neo4j.Database}{(manifest.Neo4j.NodeCount is { } n ? $", {n} nodes" : "")}");
        var tree = manifest.Uploads.Files is { } files
            ? $"{files} files, {LoggingProgressReporter.FormatBytes(manifest.Uploads.Bytes ?? 0)}" : "";
        Store(o, "uploads", manifest.Uploads.Status, manifest.Uploads.Artifact, tree);
        o.WriteLine($"signature   {Signature(shown.Trust)}");
        o.WriteLine($"encryption  {(manifest.Encryption is { } e ? $"{e.Format} {e.Cipher}" +
            $"{(e.IntegrityProtected ? ", integrity-protected" : "")}, to " +
            string.Join(", ", e.Recipients.Select(r => r.UserId is { } id ? $"{r.Fingerprint} ({id})" : r.Fingerprint)) +
            (e.Passphrase ? " and a passphrase" : "") : "none")}");
        o.WriteLine($"last drill  {Drill(shown.LastDrill)}");
        foreach (var warning in manifest.Warnings)
        {
            o.WriteLine($"warning     {warning}");
        }

        return ExitCodes.Success;
    }

    private static void Store(TextWriter o, string name, ComponentStatus status, ArtifactRecord? artifact, string detail)
    {
        o.WriteLine(artifact is null || status != ComponentStatus.Captured
            ? $"{name,-12}{status.ToString().ToLowerInvariant()}"
            : $"{name,-12}{artifact.File}, {LoggingProgressReporter.FormatBytes(artifact.Size)}, sha256 {artifact.Sha256}" +
                $"{(detail.Length > 0 ? $"; {detail}" : "")}");
    }

    private static string Signature(TrustVerdict? trust) => trust switch
    {
        null => "not checked",
        { Signature: TrustVerdict.Verified } => $"verified, signed by {trust.Signer}",
        { Signature: TrustVerdict.NotChecked } => "not checked (no Signing:TrustedKeyFiles set)",
        _ => $"{trust.Signature}{(trust.Problem is { } p ? $": {p}" : "")}{(trust.Accepted ? "" : "; a restore refuses it")}",
    };

    private static string Drill(DrillRecord? drill) => drill is null
        ? "never drilled (`summit-dr drill` proves it restores)"
        : $"{drill.Result} {drill.Time.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}, restored in {drill.TotalSeconds:0.0} s" +
            $"{(drill.Failure is { } f ? $": {f}" : "")}";
}
