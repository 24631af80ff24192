using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary>Runs a command body, turning known user-side failures into a message and exit code instead of a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is UserError or ClusterUnavailableException or DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            ConsoleOutput.Error(e.Message);
            return e is UserError u ? u.ExitCode : 2;
        }
        catch (OperationCanceledException)
        {
            ConsoleOutput.Error("Interrupted.");
            return 130; // the shell convention for a command stopped by Ctrl-C
        }
    }
}
