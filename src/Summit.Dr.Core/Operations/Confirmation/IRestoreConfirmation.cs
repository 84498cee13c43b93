namespace Summit.Dr.Operations.Confirmation;

/// <summary>Asks the operator to confirm a destructive restore (invariant 9). Implemented at the terminal's edge.</summary>
public interface IRestoreConfirmation
{
    /// <summary>False without a terminal to ask on; restore then needs `--yes`.</summary>
    bool CanAsk { get; }

    Task<bool> ConfirmAsync(ConfirmationRequest request, CancellationToken cancellationToken);
}
