using System.Text.Json;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// What this run stopped, written before it stops anything (invariant 2). If the tool is killed while a
/// container is down, the next run of any command finds the journal and starts the container again.
/// </summary>
public sealed class StopJournal
{
    public const string FileName = ".summit-dr-stopped.json";
    private readonly BackupRoot _root;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    public StopJournal(BackupRoot root, TimeProvider time)
    {
        _root = root;
        _time = time;
    }

    /// <summary>The journal's file in the run's backup root.</summary>
    public string FilePath => _root.Of(FileName);

    /// <summary>The journal of another backup root (the configured one, when a backup writes elsewhere): recovered too.</summary>
    public StopJournal For(BackupRoot root) => new(root, _time);

    public void Record(string container) =>
        Update(r => r with { Containers = r.Containers.Append(container).Distinct().ToList() });

    public void Remove(string container) =>
        Update(r => r with { Containers = r.Containers.Where(c => c != container).ToList() }, create: false);

    /// <summary>Written before the scratch directory <paramref name="path"/> is made in <paramref name="container"/>'s volume.</summary>
    public void RecordScratch(string container, string path) =>
        Update(r => r with { Scratch = r.Scratch.Append(new StopJournalScratch(container, path)).Distinct().ToList() });

    public void RemoveScratch(string container, string path) =>
        Update(r => r with { Scratch = r.Scratch.Where(s => s != new StopJournalScratch(container, path)).ToList() }, create: false);

    /// <summary>What recovering an abandoned journal could not finish stays, still the dead run's, for the next run.</summary>
    public void Keep(StopJournalRecord left)
    {
        lock (_gate)
        {
            if (left.IsEmpty)
            {
                Clear();
            }
            else
            {
                Write(left);
            }
        }
    }

    /// <summary>
    /// Changes this run's record. A record of another run (one whose recovery did not finish) is taken over with
    /// its scratch directories, which are still to be removed; the containers it names were already started.
    /// </summary>
    private void Update(Func<StopJournalRecord, StopJournalRecord> change, bool create = true)
    {
        lock (_gate)
        {
            var current = Read();
            if (current is null && !create)
            {
                return;
            }

            var mine = current?.Owner == ProcessIdentity.Current()
                ? current
                : new StopJournalRecord(ProcessIdentity.Current(), _time.GetUtcNow(), []) { Scratch = current?.Scratch ?? [] };
            var next = change(mine);
            if (next.IsEmpty)
            {
                Clear();
            }
            else
            {
                Write(next with { StoppedAt = next.Containers.Count > mine.Containers.Count ? _time.GetUtcNow() : next.StoppedAt });
            }
        }
    }

    /// <summary>
    /// The journal of a run that is no longer alive, or null when there is nothing to recover. A journal that
    /// does not parse (it is written atomically, so only damage does that) is returned with
    /// <see cref="StopJournalRecord.Damaged"/> set: who stopped what is unknown, so the caller starts Neo4j if it is down.
    /// </summary>
    public StopJournalRecord? FindAbandoned()
    {
        var path = FilePath;
        if (!File.Exists(path))
        {
            return null;
        }

        var record = Read();
        if (record is null)
        {
            return new StopJournalRecord(
                new ProcessIdentity(string.Empty, 0, DateTimeOffset.MinValue), File.GetLastWriteTimeUtc(path), []) { Damaged = true };
        }

        return !record.Owner.IsAlive() ? record : null;
    }

    /// <summary>Keeps a damaged journal beside the backups for inspection, out of the way of the next run.</summary>
    public string SetAside()
    {
        var aside = FilePath + ".damaged-" + _time.GetUtcNow().ToString(
            "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        File.Move(FilePath, aside, overwrite: true);
        return aside;
    }

    public void Clear() => File.Delete(FilePath);


    internal StopJournalRecord? Read()
    {
        if (SafeFiles.ReadOwn(FilePath) is not { } bytes)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StopJournalRecord>(bytes, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Write(StopJournalRecord record)
    {
        PrivateFiles.CreateDirectory(_root.Path);
        SafeFiles.WriteAtomically(FilePath, stream => JsonSerializer.Serialize(stream, record, JsonDefaults.Options));
    }
}
