using Summit.Dr.Model;

namespace Summit.Dr.Operations.Kept;

/// <summary>
/// One restore's kept state as it changes, saved to the backup root after every change, so that what has
/// been replaced is known even if this process dies the next moment.
/// </summary>
public sealed class SwapProgress(KeptStateStore store, KeptState initial)
{
    private readonly object _gate = new();
    private KeptState _current = initial;

    public KeptState Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Save()
    {
        lock (_gate)
        {
            store.Save(_current);
        }
    }

    public void Update(Func<KeptState, KeptState> change)
    {
        lock (_gate)
        {
            _current = change(_current);
            store.Save(_current);
        }
    }
}
