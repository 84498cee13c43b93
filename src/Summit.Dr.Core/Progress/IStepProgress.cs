namespace Summit.Dr.Progress;

/// <summary>One running step. Disposing without completing reports it as failed.</summary>
public interface IStepProgress : IDisposable
{
    void Complete(long? bytes = null, string? detail = null);
}
