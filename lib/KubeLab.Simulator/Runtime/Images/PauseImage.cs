using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>registry.k8s.io/pause (kubernetes build/pause/Dockerfile): FROM scratch, only /pause; ENTRYPOINT ["/pause"], no shell.</summary>
public static class PauseImage
{
    public static ImageDefinition Create(ImageName name)
    {
        var b = new RootBuilder().Program("/pause", new PauseProgram());
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Entrypoint = ["/pause"],
            Description = "pause: sleeps until stopped; no shell, no files besides /pause.",
        };
    }
}
