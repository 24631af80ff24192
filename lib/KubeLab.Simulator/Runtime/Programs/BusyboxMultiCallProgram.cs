using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /bin/busybox itself: <c>busybox echo hi</c> runs the applet named by argv[1] (busybox's multi-call dispatch);
/// without arguments it prints the usage line and the applet list.
/// </summary>
public sealed class BusyboxMultiCallProgram : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        if (argv.Count < 2 || argv[1] is "--help" or "--list")
        {
            var list = string.Join("\n", BusyboxApplets.All.Keys.Order(StringComparer.Ordinal));
            var text = argv.Count >= 2 && argv[1] == "--list"
                ? list + "\n"
                : "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: busybox [function [arguments]...]\n\nCurrently defined functions:\n" + list + "\n";
            await process.Stdout.WriteAsync(text, kill).ConfigureAwait(false);
            return argv.Count >= 2 ? 0 : 1;
        }
        if (!BusyboxApplets.All.TryGetValue(argv[1], out var applet))
        {
            await process.Stderr.WriteAsync($"{argv[1]}: applet not found\n", kill).ConfigureAwait(false);
            return 127;
        }
        return await applet.RunAsync(process, argv.Skip(1).ToList(), kill).ConfigureAwait(false);
    }
}
