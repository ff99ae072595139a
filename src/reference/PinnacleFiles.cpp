#include <pinnbench/core/Error.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <sys/stat.h>

namespace pinnbench::reference {

const std::vector<PinnacleFile>& pinnacle_files()
{
  // Spec pinnacle.md §5 (PINNacle commit 6f8d69c9c84c41d19644e4ceebdc64c4a11d3adf).
  static const std::vector<PinnacleFile> files = {
      {"ref/burgers1d.dat", 30474, "341792e6fc1ed1f2b4de0652a53135f3e40e9326"},
      {"ref/burgers2d_0.dat", 7541661, "1ee9ee45e6a370d84822f4a2b751d89beb737672"},
      {"ref/burgers2d_init_u_0.dat", 20038852, "e82480c5aeba535688c5b65268de922855162cd6"},
      {"ref/burgers2d_init_v_0.dat", 19946336, "0397a8011d71129fec90c52679fd0aa6dfa0dda4"},
      {"ref/poisson1_cg_data.dat", 85477, "80a5710ef027c263db6f20e93926faa5cdcd8465"},
      {"ref/poisson_boltzmann2d.dat", 228915, "3c7c88008d639b7357bbb013b3c579584ba3f09f"},
      {"ref/poisson_3d.dat", 6349865, "b0bac0fbb21a6e68743c6139141c234c83cfc188"},
      {"ref/poisson_manyarea.dat", -1, "c365143f94f2fe58f5840dae3eab5896f5e743eb"},
      {"ref/poisson_a_coef.dat", 630, "0db6cde39c25d7d6c9ea27317d13540193101edf"},
      {"ref/poisson_f_coef.dat", 2653, "16a439a3b5ea9bf721beb6dadb6328abcf20eba3"},
      {"ref/heat_darcy.dat", 1300444, "59c736dd9f3fbb7b120de7267f40bed28c52f515"},
      {"ref/heat_2d_coef_256.dat", 4915200, "b2818e7c4d9abe954b2ead0cf398bb60dd8fc5de"},
      {"ref/heat_complex.dat", 10926907, "ab75ecfcb1ebc244a0b6d2013f4d1e8c0bb3d177"},
      {"ref/lid_driven_a4.dat", 1258013, "afcc1024844e5ce0ccc1c71fe3950bb30c851f11"},
      {"ref/ns_0_obstacle.dat", 1589086, "f6347c9cb1a8a810e35757e6cc8b0819b23aef05"},
      {"ref/wave_darcy.dat", 6221042, "3957772d9cb13663b6766daf237cc83aa9288189"},
      {"ref/darcy_2d_coef_256.dat", -1, "a03b09fd20c85736befd01b0b5a2fef765c88582"},
      {"ref/grayscott.dat", 26761720, "bf9f92feb5dd847aaa7cbe144b9d8df85799bc8a"},
  };
  return files;
}

std::string data_path(const std::string& data_dir, const std::string& name)
{
  return data_dir + "/" + name;
}

std::string fetch_command(const std::string& data_dir)
{
  return "scripts/fetch-pinnacle-data.sh " + (data_dir.empty() ? std::string("DIR") : data_dir);
}

std::vector<std::string> missing_files(const std::string& data_dir,
                                       const std::vector<std::string>& names)
{
  std::vector<std::string> missing;
  for (const auto& name : names) {
    struct stat info
    {};
    if (data_dir.empty() || ::stat(data_path(data_dir, name).c_str(), &info) != 0 ||
        !S_ISREG(info.st_mode))
      missing.push_back(name);
  }
  return missing;
}

void require_files(const std::string& task, const std::string& data_dir,
                   const std::vector<std::string>& names)
{
  const std::vector<std::string> missing = missing_files(data_dir, names);
  if (missing.empty())
    return;
  std::string list;
  for (const auto& name : missing)
    list += (list.empty() ? "" : ", ") + name;
  const std::string where =
      data_dir.empty() ? std::string("no data directory is set (--data-dir DIR or $PINNBENCH_DATA)")
                       : "not found in data directory '" + data_dir + "'";
  throw ConfigError("task '" + task + "' needs PINNacle reference data " + list + ": " + where +
                    "; download it with: " + fetch_command(data_dir));
}

} // namespace pinnbench::reference
