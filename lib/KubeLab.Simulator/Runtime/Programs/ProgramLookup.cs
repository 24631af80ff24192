namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>execve as the image's programs do it: argv[0] through the process's PATH (or the image's default PATH).</summary>
public static class ProgramLookup
{
    public static (string Path, IContainerProgram Program)? Find(ProcessContext process, string name) =>
        process.Image.Lookup(name, process.Environment.GetValueOrDefault("PATH") ?? process.Image.Path);

    /// <summary>Runs argv in the same process context (exec replaces the caller); throws <see cref="ProcessStartException"/> if missing.</summary>
    public static Task<int> ExecAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var found = Find(process, argv[0]) ?? throw ProcessStartException.NotFound(argv[0]);
        return found.Program.RunAsync(process, argv, kill);
    }
}
