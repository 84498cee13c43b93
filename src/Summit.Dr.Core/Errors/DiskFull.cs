namespace Summit.Dr.Errors;

/// <summary>Recognises "no space left on device" wherever it surfaces: our own writes, or a tool's stderr.</summary>
public static class DiskFull
{
    public const string Message = "No space left on device";

    /// <summary>ENOSPC on Linux; .NET carries the raw errno as the IOException's HResult.</summary>
    private const int Enospc = 28;

    public static bool IsIn(string text) => text.Contains(Message, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the exception, or one it wraps, says the disk is full.</summary>
    public static bool Is(Exception exception)
    {
        for (Exception? ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is DiskFullException || (ex is IOException io && (io.HResult == Enospc || IsIn(io.Message))))
            {
                return true;
            }

            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
            {
                return true;
            }
        }

        return false;
    }
}
