using System.Diagnostics;

namespace Summit.Dr.Model;

/// <summary>Who holds a lock or wrote a journal: enough to tell later whether that process is still alive.</summary>
public sealed record ProcessIdentity(string Host, int Pid, DateTimeOffset ProcessStartedAt)
{
    public static ProcessIdentity Current()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessIdentity(Environment.MachineName, self.Id, self.StartTime.ToUniversalTime());
    }

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
