using System.Runtime.InteropServices;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>
/// The race TESTING.md describes: an inotify watch on an artifact renames a substitute over it the moment a process
/// opens it (IN_OPEN), so what the opener reads afterwards by path is the substitute's. A reader that keeps to the
/// one handle it opened never sees a byte of it.
/// </summary>
internal sealed partial class OpenWatcher : IDisposable
{
    private const int NonBlocking = 0x800;
    private const uint Opened = 0x20;
    private const int WouldBlock = 11;
    private const short Readable = 1;

    private readonly int _descriptor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    private OpenWatcher(string file, string substitute)
    {
        _descriptor = InotifyInit(NonBlocking);
        if (_descriptor < 0 || AddWatch(_descriptor, file, Opened) < 0)
        {
            throw new IOException($"inotify on {file} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        _watching = Task.Run(() => Watch(file, substitute));
    }

    /// <summary>Whether the substitute took the file's place after it was opened.</summary>
    public bool Swapped { get; private set; }

    public static OpenWatcher Start(string file, string substitute) => new(file, substitute);

    private void Watch(string file, string substitute)
    {
        var buffer = new byte[4096];
        var wait = new PollFd { Descriptor = _descriptor, Events = Readable };
        while (!_stop.IsCancellationRequested)
        {
            // Up to 20 ms for an event, so a disposed watcher stops promptly.
            _ = Poll(ref wait, 1, 20);
            var read = Read(_descriptor, ref buffer[0], buffer.Length);
            if (read > 0)
            {
                File.Move(substitute, file, overwrite: true);
                Swapped = true;
                return;
            }

            if (read < 0 && Marshal.GetLastPInvokeError() != WouldBlock)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _watching.Wait(TimeSpan.FromSeconds(5));
        _ = Close(_descriptor);
        _stop.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int AddWatch(int descriptor, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int descriptor, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd descriptors, nuint count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Descriptor;
        public short Events;
        public short Returned;
    }

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
