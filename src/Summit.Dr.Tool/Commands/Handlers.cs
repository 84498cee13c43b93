using Microsoft.Extensions.Options;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Configuration;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Check;
using Summit.Dr.Operations.Doctor;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Operations.Extract;
using Summit.Dr.Operations.List;
using Summit.Dr.Operations.Prune;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Operations.Wal;

namespace Summit.Dr.Tool.Commands;

// What each command calls, resolved by the host with its dependencies: a command binds its options and calls its handler.
// A command that calls one operation takes it as its handler; these are the commands that call more than one.

internal sealed record BackupHandler(BackupOperation Backup, PushOperation Push, RemoteStores Remotes);

internal sealed record RestoreHandler(
    RestoreOperation Restore, BackupCatalog Catalog, PullOperation Pull, IOptions<SummitDrOptions> Options)
{
    public BackupSource Source { get; } = new(Catalog, Pull, Options);
}

internal sealed record DrillHandler(
    DrillOperation Drill, BackupCatalog Catalog, PullOperation Pull, IOptions<SummitDrOptions> Options)
{
    public BackupSource Source { get; } = new(Catalog, Pull, Options);
}

internal sealed record CheckHandler(CheckOperation Check, BackupCatalog Catalog);

internal sealed record DoctorHandler(DoctorOperation Doctor, ListOperation List);

internal sealed record PushHandler(PushOperation Push, WalPushOperation Wal);

internal sealed record PruneHandler(PruneOperation Local, RemoteCatalog Remote);

internal sealed record ListHandler(ListOperation List, TimeProvider Time);

internal sealed record ExtractHandler(ExtractOperation Extract, BackupCatalog Catalog);

/// <summary>Where a restore or a drill takes its backup from: a local one (checked to exist first), one off-site (pulled), or a point in
/// time.</summary>
internal sealed record BackupSource(BackupCatalog Catalog, PullOperation Pull, IOptions<SummitDrOptions> Options);
