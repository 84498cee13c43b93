using System.Diagnostics;
using System.Globalization;

namespace Summit.Dr.Model;

/// <summary>Who holds a lock or wrote a journal: enough to tell later whether that process is still alive.</summary>
public sealed record ProcessIdentity(string Host, int Pid, DateTimeOffset ProcessStartedAt)
{
    public static ProcessIdentity Current()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessIdentity(Environment.MachineName, self.Id, self.StartTime.ToUniversalTime());
    }

    /// <summary>`host/pid/start`: the identity in a label or a file, for <see cref="IsAlive(string)"/> to read back.</summary>
    public string Token => string.Create(CultureInfo.InvariantCulture, $"{Host}/{Pid}/{ProcessStartedAt.ToUnixTimeMilliseconds()}");

    /// <summary>The identity a <see cref="Token"/> names, or null when it does not parse.</summary>
    public static ProcessIdentity? Parse(string token) =>
        token.Trim().Split('/') is [var host, var pid, var started]
        && int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
        && long.TryParse(started, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
            ? new ProcessIdentity(host, id, DateTimeOffset.FromUnixTimeMilliseconds(at))
            : null;

    /// <summary>Whether the process a <see cref="Token"/> names may still run; one that does not parse is taken as alive.</summary>
    public static bool IsAlive(string token) => Parse(token)?.IsAlive() ?? true;

    /// <summary>
    /// False only when we can tell the process is gone: same host and no such pid, or the pid now belongs to a
    /// process that started at another time. A process on another host is assumed alive.
    /// </summary>
    public bool IsAlive()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(Pid);
            if (process.HasExited)
            {
                return false;
            }

            return (process.StartTime.ToUniversalTime() - ProcessStartedAt.UtcDateTime).Duration() < TimeSpan.FromSeconds(2);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The process exited between the lookup and reading its start time.
            return false;
        }
    }
}
