namespace MigrationTasks.Migrations;

/// <summary>Line and column numbers of positions in a text, for errors that point into a file.</summary>
public sealed class TextLines
{
    private readonly string _text;
    private readonly List<int> _lineStarts = [0];

    public TextLines(string text)
    {
        _text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The 1-based line of a UTF-16 offset.</summary>
    public int LineOf(int offset)
    {
        var index = _lineStarts.BinarySearch(Math.Clamp(offset, 0, _text.Length));
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>The 1-based column (in characters as PostgreSQL counts them: code points) of a UTF-16 offset.</summary>
    public int ColumnOf(int offset)
    {
        offset = Math.Clamp(offset, 0, _text.Length);
        var start = _lineStarts[LineOf(offset) - 1];
        return CodePoints(_text.AsSpan(start, offset - start)) + 1;
    }

    /// <summary>
    /// The UTF-16 offset of a PostgreSQL error position: a 1-based count of characters (code points, not
    /// UTF-16 units) into <paramref name="statement"/>.
    /// </summary>
    public static int OffsetOfPosition(string statement, int position)
    {
        var offset = 0;
        for (var remaining = position - 1; remaining > 0 && offset < statement.Length; remaining--)
        {
            offset += char.IsHighSurrogate(statement[offset]) && offset + 1 < statement.Length ? 2 : 1;
        }

        return offset;
    }

    private static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsLowSurrogate(c))
            {
                count++;
            }
        }

        return count;
    }
}
