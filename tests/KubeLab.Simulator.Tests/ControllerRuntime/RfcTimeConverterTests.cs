using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>The fast path for the API server's timestamps reads what KubernetesClient reads, and leaves every other form to it.</summary>
public class RfcTimeConverterTests
{
    [Theory]
    [InlineData("2026-12-04T19:56:00Z")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2026-12-04T19:56:00.123456Z")]
    [InlineData("9999-12-31T23:59:59.999999Z")]
    public void Canonical_forms_are_read_on_the_fast_path_as_utc(string text)
    {
        Assert.True(RfcTime.TryParseUtc(Encoding.UTF8.GetBytes(text), out var value));
        var expected = DateTimeOffset.ParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.ffffffK"], CultureInfo.InvariantCulture).UtcDateTime;
        Assert.Equal(expected, value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
    }

    [Theory]
    [InlineData("2026-12-04T19:56:00+09:00")]     // an offset
    [InlineData("2026-12-04T19:56:00.123456789Z")] // nanoseconds
    [InlineData("2026-12-04T19:56:00.123Z")]       // milliseconds
    [InlineData("2026-12-04 19:56:00Z")]
    [InlineData("2026-02-30T10:00:00Z")]            // no such day
    [InlineData("2026-12-04T24:00:00Z")]
    [InlineData("2026-13-04T10:00:00Z")]
    [InlineData("2026-12-04T19:56:00z")]
    [InlineData("2026-1a-04T19:56:00Z")]
    [InlineData("")]
    public void Other_forms_are_left_to_kubernetes_client(string text) =>
        Assert.False(RfcTime.TryParseUtc(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Any_second_or_microsecond_written_as_go_writes_it_reads_back_exactly() =>
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Select(Gen.Bool).Sample((ticks, micro) =>
        {
            var t = new DateTime(ticks - ticks % (micro ? 10 : TimeSpan.TicksPerSecond), DateTimeKind.Utc);
            var text = t.ToString(micro ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return RfcTime.TryParseUtc(Encoding.UTF8.GetBytes(text), out var read) && read == t && read.Kind == DateTimeKind.Utc;
        });

    private sealed class Recording : JsonConverter<DateTime>
    {
        public List<string> Seen { get; } = [];

        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            Seen.Add(reader.GetString()!);
            return DateTime.UnixEpoch;
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue("written by the fallback");
    }

    [Fact]
    public void The_converter_hands_escaped_and_other_forms_to_the_fallback_and_writes_through_it()
    {
        var fallback = new Recording();
        var options = new JsonSerializerOptions { Converters = { new RfcDateTimeConverter(fallback) } };
        var read = JsonSerializer.Deserialize<DateTime[]>("""["2026-12-04T19:56:00Z","2026-12-04T19:56:00+09:00","2026-12-04T19:56:0\u0030Z"]""", options)!;

        Assert.Equal(new DateTime(2026, 12, 4, 19, 56, 0, DateTimeKind.Utc), read[0]);
        Assert.Equal(["2026-12-04T19:56:00+09:00", "2026-12-04T19:56:00Z"], fallback.Seen);
        Assert.Equal("\"written by the fallback\"", JsonSerializer.Serialize(DateTime.UtcNow, options));
    }

    [Fact]
    public void Kubernetes_client_reads_the_same_values_with_the_converters_installed()
    {
        Assert.True(ClientJsonOptions.Install());
        var meta = KubernetesJson.Deserialize<V1ObjectMeta>("""{"name":"a","creationTimestamp":"2026-12-04T19:56:00Z","deletionTimestamp":"2026-12-04T19:56:00+09:00"}""");
        Assert.Equal(new DateTime(2026, 12, 4, 19, 56, 0, DateTimeKind.Utc), meta.CreationTimestamp);
        Assert.Equal(DateTimeKind.Utc, meta.CreationTimestamp!.Value.Kind);
        Assert.Equal(new DateTime(2026, 12, 4, 10, 56, 0, DateTimeKind.Utc), meta.DeletionTimestamp); // the fallback converts offsets to UTC
        var ev = KubernetesJson.Deserialize<Eventsv1Event>("""{"eventTime":"2026-12-04T19:56:00.250000Z","metadata":{"name":"e"}}""");
        Assert.Equal(new DateTime(2026, 12, 4, 19, 56, 0, 250, DateTimeKind.Utc), ev.EventTime);
        Assert.Equal("\"2026-12-04T19:56:00Z\"", KubernetesJson.Serialize(new DateTime(2026, 12, 4, 19, 56, 0, DateTimeKind.Utc)));
        Assert.ThrowsAny<Exception>(() => KubernetesJson.Deserialize<V1ObjectMeta>("""{"creationTimestamp":"yesterday"}"""));
    }
}
