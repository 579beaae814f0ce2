using System.Reflection;
using Silk.NET.Vulkan;

namespace Hark.Engines.Vulkan;

/// <summary>
/// Compute pipelines built on first use from the SPIR-V embedded at build time, through one
/// <c>VkPipelineCache</c>. Every shader takes its tensors as buffer device addresses in push constants, so all share
/// one pipeline layout with no descriptor sets.
/// </summary>
internal sealed unsafe class VulkanPipelines : IDisposable
{
    /// <summary>Push-constant bytes every pipeline layout reserves (the minimum every device guarantees).</summary>
    public const uint PushConstantBytes = 128;

    private readonly VulkanContext _context;
    private readonly Dictionary<string, Pipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly PipelineCache _cache;

    public VulkanPipelines(VulkanContext context)
    {
        _context = context;
        var range = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Offset = 0, Size = PushConstantBytes };
        var layoutInfo = new PipelineLayoutCreateInfo { SType = StructureType.PipelineLayoutCreateInfo, PushConstantRangeCount = 1, PPushConstantRanges = &range };
        PipelineLayout layout;
        VulkanInstance.Check(context.Api.CreatePipelineLayout(context.Device, &layoutInfo, null, &layout), "vkCreatePipelineLayout");
        Layout = layout;
        var cacheInfo = new PipelineCacheCreateInfo { SType = StructureType.PipelineCacheCreateInfo };
        PipelineCache cache;
        VulkanInstance.Check(context.Api.CreatePipelineCache(context.Device, &cacheInfo, null, &cache), "vkCreatePipelineCache");
        _cache = cache;
    }

    public PipelineLayout Layout { get; }

    /// <summary>The pipeline of shader <paramref name="name"/> (e.g. <c>linear_f16</c>).</summary>
    public Pipeline Get(string name)
    {
        if (_pipelines.TryGetValue(name, out var pipeline)) return pipeline;
        var code = LoadSpirv(name);
        var api = _context.Api;
        ShaderModule module;
        fixed (byte* c = code)
        {
            var moduleInfo = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)c };
            VulkanInstance.Check(api.CreateShaderModule(_context.Device, &moduleInfo, null, &module), $"vkCreateShaderModule ({name})");
        }
        try
        {
            fixed (byte* nameBytes = "main\0"u8)
            {
                var info = new ComputePipelineCreateInfo
                {
                    SType = StructureType.ComputePipelineCreateInfo,
                    Stage = new PipelineShaderStageCreateInfo
                    {
                        SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.ComputeBit, Module = module, PName = nameBytes,
                    },
                    Layout = Layout,
                };
                VulkanInstance.Check(api.CreateComputePipelines(_context.Device, _cache, 1, &info, null, &pipeline), $"vkCreateComputePipelines ({name})");
            }
        }
        finally
        {
            api.DestroyShaderModule(_context.Device, module, null);
        }
        _pipelines[name] = pipeline;
        return pipeline;
    }

    private static byte[] LoadSpirv(string name)
    {
        var resource = $"Hark.Shaders.{name}.spv";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"shader {resource} is not embedded in the assembly (was glslc run at build time?)");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose()
    {
        foreach (var p in _pipelines.Values) _context.Api.DestroyPipeline(_context.Device, p, null);
        _pipelines.Clear();
        _context.Api.DestroyPipelineCache(_context.Device, _cache, null);
        _context.Api.DestroyPipelineLayout(_context.Device, Layout, null);
    }
}
