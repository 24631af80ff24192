namespace KubeLab;

/// <summary>
/// One place a container reads configuration from: an environment variable or a file. <see cref="Lab.WatchConsumersAsync"/> polls
/// each consumer to see when a changed ConfigMap or Secret reaches it.
/// </summary>
public sealed record ConfigConsumer(string Pod, string? Container, string How, string Target, string? Label = null)
{
    /// <summary>The environment variable <paramref name="name"/> of the container (set once, when the container starts).</summary>
    public static ConfigConsumer Env(string pod, string name, string? container = null, string? label = null) => new(pod, container, "env", name, label);

    /// <summary>The file at <paramref name="path"/> in the container (a configMap/secret volume, maybe through subPath).</summary>
    public static ConfigConsumer File(string pod, string path, string? container = null, string? label = null) => new(pod, container, "file", path, label);

    /// <summary>How the consumer is shown: its label, else "pod: $NAME" or "pod: /path".</summary>
    public string Name => Label ?? $"{Pod}{(Container is null ? "" : "/" + Container)}: {(How == "env" ? "$" + Target : Target)}";

    /// <summary>What the consumer sees now (trailing newlines removed), null if the variable is unset or the file unreadable.</summary>
    public async Task<string?> ReadAsync(Lab lab, CancellationToken ct = default)
    {
        if (How == "env") return await lab.ReadEnvAsync(Pod, Target, Container, ct).ConfigureAwait(false);
        var r = await lab.ExecAsync(Pod, ["cat", Target], Container, ct: ct).ConfigureAwait(false);
        return r.ExitCode == 0 ? r.Stdout.TrimEnd('\n') : null;
    }
}
