using System.Text;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>What a terminal shows after a typescript: carriage returns, erase-to-end-of-line and newlines applied.</summary>
internal static class Terminal
{
    public static IReadOnlyList<string> Render(string typescript)
    {
        var lines = new List<StringBuilder> { new() };
        var column = 0;
        for (var i = 0; i < typescript.Length; i++)
        {
            var line = lines[^1];
            var c = typescript[i];
            if (c == '\n')
            {
                lines.Add(new StringBuilder());
                column = 0;
            }
            else if (c == '\r')
            {
                column = 0;
            }
            else if (c == '\u001b' && i + 2 < typescript.Length && typescript[i + 1] == '[' && typescript[i + 2] == 'K')
            {
                line.Length = Math.Min(line.Length, column);
                i += 2;
            }
            else
            {
                if (column < line.Length)
                {
                    line[column] = c;
                }
                else
                {
                    line.Append(c);
                }

                column++;
            }
        }

        return lines.Select(l => l.ToString()).ToList();
    }
}
