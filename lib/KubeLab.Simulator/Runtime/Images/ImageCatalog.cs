namespace KubeLab.Simulator.Runtime.Images;

/// <summary>The images the modelled runtime knows, by repository name; anything else is a server image without a shell.</summary>
public sealed class ImageCatalog(Metrics.ResourceConsumption consumption)
{
    public Metrics.ResourceConsumption Consumption { get; } = consumption;

    public ImageDefinition Find(string image) => throw new NotImplementedException(image);
}
