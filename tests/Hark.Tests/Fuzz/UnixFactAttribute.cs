namespace Hark.Tests.Fuzz;

/// <summary>A fact about Unix file kinds (FIFOs, devices), skipped visibly on Windows.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> on Windows.</summary>
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs Unix FIFOs";
    }
}
