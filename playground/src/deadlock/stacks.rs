//! The stacks of a stopped-for-good program's threads, taken by the runner
//! itself: ptrace for each thread's registers, the `.eh_frame` unwind tables
//! of every loaded ELF file (gimli) to walk the stack, and the snippet's
//! line tables (addr2line) to name functions, files and lines.
//!
//! No debugger is needed: gdb in batch mode took 0.75–1 s per program on the
//! development machine (it loads the debug info of all of std), which would
//! nearly double the time to a report. Here, only loading the line tables
//! takes time, and the detector does it during its grace period. The
//! runner is the program's parent, so ptrace is allowed even under Yama's
//! `ptrace_scope=1`; as root it may trace the leased uids.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use addr2line::gimli::{
    self, BaseAddresses, CfaRule, EhFrame, EhFrameHdr, NativeEndian, RegisterRule, UnwindContext,
    UnwindSection,
};
use object::{Object, ObjectSection, ObjectSegment};

use crate::wait::wait_timeout;

/// One frame, named from the line tables where they cover it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbolized {
    /// Demangled, without the hash (`std::sync::poison::mutex::Mutex<T>::lock`,
    /// `main::main::{closure#0}`); empty when unknown.
    pub function: String,
    /// The file as the line table has it (for the snippet: `src/main.rs`,
    /// maybe with the build directory in front).
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// Frames deeper than this are not walked (recursion, or a corrupt stack).
const MAX_FRAMES: usize = 64;

/// The program's line tables, loaded ahead of [`take`]: decompressing them
/// is most of the work (about 0.2 s on a loaded machine), so the detector
/// does it while it waits out its grace period.
pub fn line_tables(pid: i32) -> Result<addr2line::Loader, String> {
    // Through /proc: the binary itself may have been unlinked since.
    addr2line::Loader::new(format!("/proc/{pid}/exe"))
        .map_err(|e| format!("cannot read the program's line tables ({e})"))
}

/// The stack of each of `tids` (threads of `pid`), innermost frame first,
/// named with `symbols` (from [`line_tables`]). `Err` says, in words, why
/// stacks could not be had.
pub fn take(
    pid: i32,
    tids: &[i32],
    symbols: &addr2line::Loader,
) -> Result<BTreeMap<i32, Vec<Symbolized>>, String> {
    if !cfg!(target_arch = "x86_64") {
        return Err("stacks are only taken on x86-64 Linux".into());
    }
    let regs = registers(tids)?;
    let exe = fs::read_link(format!("/proc/{pid}/exe"))
        .map_err(|e| format!("cannot find the program's binary ({e})"))?;
    let exe = PathBuf::from(exe.to_string_lossy().trim_end_matches(" (deleted)"));
    let modules = Modules::load(pid, &exe)?;
    let mut out = BTreeMap::new();
    for (tid, regs) in regs {
        let pcs = modules.unwind(pid, regs);
        let mut frames = Vec::new();
        for (i, pc) in pcs.into_iter().enumerate() {
            // A return address points after the call: look up the call itself.
            let probe = if i == 0 { pc } else { pc - 1 };
            frames.extend(modules.symbolize(symbols, probe));
        }
        out.insert(tid, frames);
    }
    Ok(out)
}

/// The registers an unwind starts from.
#[derive(Debug, Clone, Copy)]
struct Regs {
    pc: u64,
    sp: u64,
    fp: u64,
}

/// Stops each thread with ptrace just long enough to read its registers.
#[cfg(target_arch = "x86_64")]
fn registers(tids: &[i32]) -> Result<Vec<(i32, Regs)>, String> {
    struct Attached(Vec<i32>);
    impl Drop for Attached {
        fn drop(&mut self) {
            for &tid in &self.0 {
                // SAFETY: detaching a thread we seized; errors (it is gone) are fine.
                unsafe { libc::ptrace(libc::PTRACE_DETACH, tid, 0, 0) };
            }
        }
    }
    let mut attached = Attached(Vec::new());
    for &tid in tids {
        // SAFETY: ptrace requests with integer arguments.
        if unsafe { libc::ptrace(libc::PTRACE_SEIZE, tid, 0, 0) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(format!("the runner may not trace the program (ptrace: {e})"));
        }
        attached.0.push(tid);
        // SAFETY: as above.
        unsafe { libc::ptrace(libc::PTRACE_INTERRUPT, tid, 0, 0) };
    }
    let mut out = Vec::new();
    for &tid in tids {
        let stopped = wait_timeout(Duration::from_secs(1), Duration::from_millis(1), || {
            let mut status = 0;
            // SAFETY: waiting for a traced thread's stop.
            let r = unsafe { libc::waitpid(tid, &mut status, libc::__WALL | libc::WNOHANG) };
            match r {
                0 => Ok(None),
                r if r == tid && libc::WIFSTOPPED(status) => Ok(Some(())),
                _ => Err(format!("thread {tid} did not stop for ptrace (status {status:#x})")),
            }
        })?;
        if stopped.is_none() {
            return Err(format!("thread {tid} did not stop for ptrace within 1 s"));
        }
        // SAFETY: a zeroed user_regs_struct filled by PTRACE_GETREGS.
        let mut regs: libc::user_regs_struct = unsafe { std::mem::zeroed() };
        // SAFETY: valid pointer to a user_regs_struct.
        if unsafe { libc::ptrace(libc::PTRACE_GETREGS, tid, 0, &mut regs as *mut _) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(format!("cannot read thread {tid}'s registers ({e})"));
        }
        out.push((tid, Regs { pc: regs.rip, sp: regs.rsp, fp: regs.rbp }));
    }
    Ok(out)
}

#[cfg(not(target_arch = "x86_64"))]
fn registers(_tids: &[i32]) -> Result<Vec<(i32, Regs)>, String> {
    Err("stacks are only taken on x86-64 Linux".into())
}

/// Reads a word of the program's memory at `addr`.
fn read_u64(pid: i32, addr: u64) -> Option<u64> {
    let mut buf = [0u8; 8];
    let local = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: 8 };
    let remote = libc::iovec { iov_base: addr as *mut libc::c_void, iov_len: 8 };
    // SAFETY: one local buffer of 8 bytes we own; the remote range is only read.
    let n = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    (n == 8).then(|| u64::from_ne_bytes(buf))
}

/// Where one file is mapped: the lowest start of a mapping at file offset 0,
/// and its executable address ranges.
type Mapped = (Option<u64>, Vec<(u64, u64)>);

/// One ELF file mapped into the program.
struct Module {
    path: PathBuf,
    /// Executable address ranges.
    exec: Vec<(u64, u64)>,
    /// Run-time address minus link-time address.
    bias: u64,
    data: Vec<u8>,
    eh_frame: Option<(u64, std::ops::Range<usize>)>,
    eh_frame_hdr: Option<(u64, std::ops::Range<usize>)>,
    text: u64,
}

struct Modules {
    list: Vec<Module>,
    exe: PathBuf,
}

impl Modules {
    /// Every file-backed executable mapping of `pid`, from `/proc/<pid>/maps`.
    fn load(pid: i32, exe: &Path) -> Result<Modules, String> {
        let maps = fs::read_to_string(format!("/proc/{pid}/maps"))
            .map_err(|e| format!("cannot read the program's memory map ({e})"))?;
        let mut files: BTreeMap<String, Mapped> = BTreeMap::new();
        for line in maps.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 6 || !fields[5].starts_with('/') {
                continue;
            }
            let Some((start, end)) = fields[0].split_once('-') else { continue };
            let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16)) else {
                continue;
            };
            let offset = u64::from_str_radix(fields[2], 16).unwrap_or(1);
            let entry = files.entry(fields[5..].join(" ")).or_default();
            if offset == 0 {
                entry.0 = Some(entry.0.map_or(start, |s: u64| s.min(start)));
            }
            if fields[1].contains('x') {
                entry.1.push((start, end));
            }
        }
        let mut list = Vec::new();
        for (path, (base, exec)) in files {
            let (Some(base), false) = (base, exec.is_empty()) else { continue };
            let path = PathBuf::from(path.trim_end_matches(" (deleted)"));
            // Through /proc for the binary: it may have been unlinked since.
            let data = if path == exe { fs::read(format!("/proc/{pid}/exe")) } else { fs::read(&path) };
            let Ok(data) = data else { continue };
            let Ok(file) = object::File::parse(&*data) else { continue };
            let first_load = file.segments().map(|s| s.address()).min().unwrap_or(0) & !0xfff;
            let section = |name: &str| {
                let s = file.section_by_name(name)?;
                let (offset, size) = s.file_range()?;
                Some((s.address(), offset as usize..(offset + size) as usize))
            };
            let eh_frame = section(".eh_frame");
            let eh_frame_hdr = section(".eh_frame_hdr");
            let text = file.section_by_name(".text").map_or(0, |s| s.address());
            list.push(Module {
                path,
                exec,
                bias: base.wrapping_sub(first_load),
                data,
                eh_frame,
                eh_frame_hdr,
                text,
            });
        }
        Ok(Modules { list, exe: exe.to_path_buf() })
    }

    fn find(&self, pc: u64) -> Option<&Module> {
        self.list.iter().find(|m| m.exec.iter().any(|&(s, e)| pc >= s && pc < e))
    }

    /// Walks the stack with the unwind tables: the program counter of each
    /// frame, innermost first.
    fn unwind(&self, pid: i32, mut regs: Regs) -> Vec<u64> {
        let mut pcs = vec![regs.pc];
        let mut ctx = Box::new(UnwindContext::new());
        while pcs.len() < MAX_FRAMES {
            let first = pcs.len() == 1;
            let probe = if first { regs.pc } else { regs.pc.wrapping_sub(1) };
            let Some(module) = self.find(probe) else { break };
            let Some((eh_addr, eh_range)) = &module.eh_frame else { break };
            let eh_frame = EhFrame::new(&module.data[eh_range.clone()], NativeEndian);
            let mut bases = BaseAddresses::default().set_eh_frame(*eh_addr).set_text(module.text);
            if let Some((hdr_addr, _)) = &module.eh_frame_hdr {
                bases = bases.set_eh_frame_hdr(*hdr_addr);
            }
            let svma = probe.wrapping_sub(module.bias);
            let fde = match &module.eh_frame_hdr {
                Some((_, hdr_range)) => EhFrameHdr::new(&module.data[hdr_range.clone()], NativeEndian)
                    .parse(&bases, 8)
                    .ok()
                    .and_then(|hdr| {
                        hdr.table()?.fde_for_address(&eh_frame, &bases, svma, EhFrame::cie_from_offset).ok()
                    }),
                None => eh_frame.fde_for_address(&bases, svma, EhFrame::cie_from_offset).ok(),
            };
            let Some(fde) = fde else { break };
            let Ok(row) = fde.unwind_info_for_address(&eh_frame, &bases, &mut ctx, svma) else { break };
            let reg = |r: gimli::Register| match r {
                gimli::X86_64::RSP => Some(regs.sp),
                gimli::X86_64::RBP => Some(regs.fp),
                _ => None,
            };
            let cfa = match row.cfa() {
                CfaRule::RegisterAndOffset { register, offset } => {
                    let Some(base) = reg(*register) else { break };
                    base.wrapping_add(*offset as u64)
                }
                CfaRule::Expression(_) => break,
            };
            let ra = match row.register(gimli::X86_64::RA) {
                RegisterRule::Offset(o) => read_u64(pid, cfa.wrapping_add(o as u64)),
                _ => None,
            };
            let Some(ra) = ra.filter(|&ra| ra != 0) else { break };
            let fp = match row.register(gimli::X86_64::RBP) {
                RegisterRule::Offset(o) => read_u64(pid, cfa.wrapping_add(o as u64)).unwrap_or(regs.fp),
                _ => regs.fp,
            };
            regs = Regs { pc: ra, sp: cfa, fp };
            pcs.push(ra);
        }
        pcs
    }

    /// The frames at `probe` (inlined ones first), from the program's own
    /// line tables; one nameless frame for other files (libc).
    fn symbolize(&self, symbols: &addr2line::Loader, probe: u64) -> Vec<Symbolized> {
        let unknown = || vec![Symbolized { function: String::new(), file: None, line: None }];
        let Some(module) = self.find(probe) else { return unknown() };
        if module.path != self.exe {
            return unknown();
        }
        let svma = probe.wrapping_sub(module.bias);
        let mut out = Vec::new();
        if let Ok(mut frames) = symbols.find_frames(svma) {
            while let Ok(Some(frame)) = frames.next() {
                let function = frame
                    .function
                    .as_ref()
                    .and_then(|f| f.demangle().ok())
                    .map(|n| n.into_owned())
                    .unwrap_or_default();
                let (file, line) = match frame.location {
                    Some(loc) => (loc.file.map(str::to_string), loc.line),
                    None => (None, None),
                };
                out.push(Symbolized { function, file, line });
            }
        }
        // The line tables may leave a function nameless (rustc gives
        // `main::main` no name in them): the symbol table knows it.
        let symbol =
            || symbols.find_symbol(svma).map(|s| addr2line::demangle_auto(s.into(), None).into_owned());
        if out.is_empty() {
            out.push(Symbolized { function: symbol().unwrap_or_default(), file: None, line: None });
        } else if let Some(outer) = out.last_mut()
            && outer.function.is_empty()
        {
            outer.function = symbol().unwrap_or_default();
        }
        out
    }
}
