namespace Summit.Dr.Operations.Confirmation;

/// <summary>Where no terminal is attached (tests, services): nobody can be asked, so restore needs `--yes`.</summary>
public sealed class NoTerminalConfirmation : IRestoreConfirmation
{
    public bool CanAsk => false;

    public Task<bool> ConfirmAsync(ConfirmationRequest request, CancellationToken cancellationToken) => Task.FromResult(false);
}
