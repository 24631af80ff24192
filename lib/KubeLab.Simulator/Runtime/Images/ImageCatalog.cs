namespace KubeLab.Simulator.Runtime.Images;

/// <summary>The images the modelled runtime knows, by repository name; anything else is a server image without a shell.</summary>
public static class ImageCatalog
{
    public static ImageDefinition Find(string image) => throw new NotImplementedException();
}
