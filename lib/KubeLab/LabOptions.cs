namespace KubeLab;

/// <summary>How <see cref="Lab.StartAsync"/> finds its cluster. Every property is optional.</summary>
public sealed record LabOptions
{
    /// <summary>Explicit kube context. Default: env KUBELAB_CONTEXT, else kind-k8s-course when the kubeconfig has it (an error if it does
    /// not answer — no silent switch), else the embedded simulator. "kubelab-sim" chooses the simulator on purpose.</summary>
    public string? Context { get; init; }

    /// <summary>Kubeconfig path. Default: $KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Opt in to touching a cluster whose context is not kind-* or kubelab-sim (also env KUBELAB_ALLOW_ANY_CONTEXT=1).</summary>
    public bool AllowAnyContext { get; init; }

    /// <summary>Folder holding the per-lesson manifest folders. Default: the first "manifests/" found walking up from the current directory.</summary>
    public string? ManifestsRoot { get; init; }
}
