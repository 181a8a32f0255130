using System.Text;

namespace MigrationTasks.Benchmarks;

/// <summary>Writes to the console and to the run's transcript at once.</summary>
internal sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
{
    public override Encoding Encoding => first.Encoding;

    public override void Write(char value)
    {
        lock (this)
        {
            first.Write(value);
            second.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (this)
        {
            first.Write(value);
            second.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (this)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }
    }

    public override void Flush()
    {
        first.Flush();
        second.Flush();
    }
}
