using Summit.Dr.Errors;


namespace Summit.Dr.Stores.Postgres;

/// <summary>A PostgreSQL command failed; <see cref="SqlState"/> says why, where the server gave a code.</summary>
public sealed class PostgresException(string message, string? sqlState) : OperationFailedException(message)
{
    public string? SqlState { get; } = sqlState;
}
