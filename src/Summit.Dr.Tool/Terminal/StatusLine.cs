namespace Summit.Dr.Tool.Terminal;

/// <summary>
/// The one writer of stderr. On a terminal it keeps a live status line below everything else: any other
/// text (log lines, reports, a prompt) clears it first and, once that text ends its line, the status is drawn
/// again, so the two never tangle on one line. Without a terminal only the other text is written, with no
/// control characters.
/// </summary>
public sealed class StatusLine
{
    private const string Erase = "\r\u001b[K";
    private readonly TextWriter _stderr;
    private readonly Func<int> _width;
    private readonly object _gate = new();
    private string? _status;
    private bool _drawn;
    private bool _atLineStart = true;

    public StatusLine(TextWriter stderr, bool isTerminal, Func<int> width)
    {
        _stderr = stderr;
        IsTerminal = isTerminal;
        _width = width;
        Writer = new StatusLineWriter(this, stderr.Encoding);
    }

    public bool IsTerminal { get; }

    /// <summary>A writer for everything else that goes to stderr.</summary>
    public TextWriter Writer { get; }

    /// <summary>The terminal's width, or a sensible one where it cannot be read.</summary>
    public static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>Shows <paramref name="status"/> as the live line (cut to the terminal's width), or removes it when null.</summary>
    public void Show(string? status)
    {
        if (!IsTerminal)
        {
            return;
        }

        lock (_gate)
        {
            var width = Math.Max(20, _width() - 1);
            _status = status is not null && status.Length > width ? status[..(width - 1)] + "…" : status;
            if (!_atLineStart)
            {
                // Half a line of other text (a prompt) is on screen: it is not drawn over.
                return;
            }

            _stderr.Write(_status is null ? (_drawn ? Erase : string.Empty) : Erase + _status);
            _drawn = _status is not null;
            _stderr.Flush();
        }
    }

    /// <summary>Writes other text: the live line is cleared first and drawn again after a completed line.</summary>
    public void Write(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_drawn)
            {
                _stderr.Write(Erase);
                _drawn = false;
            }

            _stderr.Write(text);
            _atLineStart = text[^1] == '\n';
            if (_atLineStart && _status is not null && IsTerminal)
            {
                _stderr.Write(_status);
                _drawn = true;
            }

            _stderr.Flush();
        }
    }

    private sealed class StatusLineWriter(StatusLine owner, System.Text.Encoding encoding) : TextWriter
    {
        public override System.Text.Encoding Encoding => encoding;

        public override void Write(char value) => owner.Write(value.ToString());

        public override void Write(string? value) => owner.Write(value ?? string.Empty);

        public override void Write(char[] buffer, int index, int count) => owner.Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => owner.Write((value ?? string.Empty) + NewLine);

        public override void WriteLine() => owner.Write(NewLine);

        public override void Flush() => owner._stderr.Flush();
    }
}
