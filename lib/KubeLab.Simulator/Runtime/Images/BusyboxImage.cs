namespace KubeLab.Simulator.Runtime.Images;

/// <summary>docker.io/library/busybox (CMD ["sh"]) and docker.io/library/alpine (CMD ["/bin/sh"]): a shell and the applets.</summary>
public static class BusyboxImage
{
    public static ImageDefinition Busybox(ImageName name)
    {
        var b = BaseLayers.Busybox();
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Cmd = ["sh"],
            Description = "busybox: sh and the busybox applets in /bin; no server.",
        };
    }

    public static ImageDefinition Alpine(ImageName name)
    {
        var b = BaseLayers.Alpine();
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Cmd = ["/bin/sh"],
            Description = "alpine 3.21: busybox sh and applets; no server; apk is not modelled.",
        };
    }
}
