using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Kubelet;
using Xunit;

namespace KubeLab.Simulator.Tests.Kubelet;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("nginx:1.27", true)]
    [InlineData("nginx:nonexistent", false)]
    [InlineData("registry.example.com/does-not-exist:1.0", false)]
    public void Course_convention_for_missing_images(string image, bool exists) => Assert.Equal(exists, ImageReference.Exists(image));
}

/// <summary>Durations in kubelet messages use Go's time.Duration format.</summary>
public class KubeletGoDurationTests
{
    [Theory]
    [InlineData(0.669, "669ms")]
    [InlineData(1.437, "1.437s")]
    [InlineData(10, "10s")]
    [InlineData(300, "5m0s")]
    [InlineData(62.5, "1m2.5s")]
    public void Formats_like_Go(double seconds, string expected) => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));
}
