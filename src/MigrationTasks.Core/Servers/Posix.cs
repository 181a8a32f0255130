using System.Runtime.InteropServices;
using CliWrap;
using CliWrap.Buffered;

namespace MigrationTasks.Servers;

/// <summary>The few POSIX facilities .NET does not expose: signals other than SIGKILL, and running as another user.</summary>
internal static partial class Posix
{
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>True when this process runs as root (PostgreSQL refuses to, so the tool runs it as 'postgres').</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>Sends a signal; false when the process does not exist (or is not ours to signal).</summary>
    public static bool Signal(int pid, int signal) => !OperatingSystem.IsWindows() && pid > 0 && NativeKill(pid, signal) == 0;

    /// <summary>True when a process with this id is running.</summary>
    public static bool IsAlive(int pid) => pid > 0 && (NativeKill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: alive, not ours */);

    /// <summary>True when the system has a user of that name.</summary>
    public static async Task<bool> UserExistsAsync(string user, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap("id").WithArguments(["-u", user]).WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>Gives a file or folder to a user (recursively for folders).</summary>
    public static async Task ChownAsync(string path, string user, CancellationToken cancellationToken) =>
        await Cli.Wrap("chown").WithArguments(["-R", $"{user}:", path]).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A command that runs <paramref name="executable"/> as <paramref name="user"/> when this process is root
    /// (through util-linux <c>setpriv</c>, which execs in place, so signals reach the program itself), or as
    /// this user otherwise.
    /// </summary>
    public static Command AsUser(string? user, string executable, IReadOnlyList<string> arguments) =>
        user is null
            ? Cli.Wrap(executable).WithArguments(arguments)
            : Cli.Wrap("setpriv").WithArguments(["--reuid", user, "--regid", user, "--init-groups", "--", executable, .. arguments]);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
