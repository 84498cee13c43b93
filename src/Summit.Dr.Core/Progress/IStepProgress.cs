namespace Summit.Dr.Progress;

/// <summary>One running step. Disposing without completing, cancelling or refusing reports it as failed.</summary>
public interface IStepProgress : IDisposable
{
    void Complete(long? bytes = null, string? detail = null);

    /// <summary>The step stopped because the run was interrupted or another step failed: said as cancelled, not failed.</summary>
    void Cancelled();

    /// <summary>The step stopped at a usage error or an unmet precondition (the run's last line says which): not a failure of the
    /// step.</summary>
    void Refused();
}
