import { normalizeName } from '../src/features/accounts/identifiers.js';
import type { Random } from './random.js';
import { Weighted } from './random.js';

/**
 * Names as they occur: Chinese surnames by their share of the population (per ten thousand, after the
 * 2020 census tables), the most frequent whole given names, so 张伟 and 王芳 recur as they do in life,
 * and English first and last names by US frequency.
 */
const SURNAMES = `王712 李719 张676 刘538 陈453 杨308 赵229 黄223 吴205 周195 徐167 孙154 胡131 朱126 马144
高100 林113 何106 郭115 罗86 郑81 梁75 谢72 宋68 唐68 许62 韩61 冯57 邓55 曹53 彭52 曾50 肖49 田47 董45
袁43 潘41 于40 蒋39 蔡38 余37 杜36 叶35 程35 苏34 魏33 吕32 丁31 任31 沈30 姚29 卢28 姜28 崔27 钟26 谭25
陆25 汪24 范24 金23 石23 廖22 贾22 夏21 韦21 付20 方20 白19 邹19 孟18 熊18 秦17 邱17 江17 尹16 薛16 闫15
段15 雷15 侯14 龙14 史13 陶13 黎13 贺13 顾12 毛12 郝12 龚11 邵11 万11 钱11 严10 覃10 武10 戴10 莫9 孔9
向9 汤9 单6 欧阳3 司马0.5 上官0.3 诸葛0.3 东方0.2 夏侯0.1`;

/** Whole given names that recur (weights are relative within this list). */
const POPULAR_GIVEN = `伟300 芳280 娜250 秀英240 敏230 静220 丽200 强190 磊180 军170 洋160 勇150 艳140 杰140 娟130
涛120 明120 超110 秀兰100 霞100 平95 刚90 桂英85 玲80 婷75 浩70 鹏70 辉65 斌60 宇60 华60 建华55 建国50
子豪45 梓涵45 欣怡40 一诺40 佳怡35 浩然35 宇轩30`;

/** Characters of two-character given names, drawn freely. */
const GIVEN_CHARS =
  '伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玲婷浩鹏辉斌宇华建国子豪梓涵欣怡一诺佳然轩文晨博睿思雨嘉' +
  '俊志云飞海峰亮红梅琳雪晶慧颖秀春燕凤玉珍莉丹宁鑫瑞泽天昊晓东立新安康永庆林森楠若曦诗琪雅婧紫萱逸凡' +
  '铭哲翔鸿德福寿美月星辰阳光荣耀斐然溪源清正';

const FIRST_NAMES = `James330 Mary310 John320 Patricia150 Robert310 Jennifer150 Michael420 Linda120 William240
Elizabeth140 David300 Barbara100 Richard150 Susan90 Joseph150 Jessica140 Thomas150 Sarah140 Charles120 Karen90
Christopher140 Lisa90 Daniel160 Nancy70 Matthew130 Betty60 Anthony120 Margaret60 Mark110 Sandra60 Donald80
Ashley100 Steven100 Kimberly80 Paul90 Emily110 Andrew110 Donna60 Joshua100 Michelle90 Kenneth70 Carol60
Kevin90 Amanda80 Brian90 Dorothy40 George80 Melissa70 Timothy70 Deborah50 Ronald60 Stephanie70 Jason80
Rebecca60 Edward60 Sharon50 Jeffrey70 Laura70 Ryan80 Cynthia50 Jacob80 Kathleen50 Gary60 Amy60 Nicholas70
Angela60 Eric70 Shirley40 Jonathan70 Anna60 Stephen60 Brenda40 Larry50 Pamela40 Justin60 Emma60 Scott60
Nicole60 Brandon60 Helen40 Benjamin60 Samantha50 Samuel50 Katherine50 Gregory50 Christine40 Alexander60
Olivia70 Frank40 Sophia60 Raymond40 Grace40 Patrick40 Chloe40 Jack50 Zoe30 Dennis30 Ethan50 Noah50 Liam50
Aurelio1 Thaddeus1 Philippa1`;

const LAST_NAMES = `Smith250 Johnson200 Williams170 Brown150 Jones150 Garcia120 Miller120 Davis120 Rodriguez110
Martinez110 Hernandez100 Lopez90 Gonzalez90 Wilson80 Anderson80 Thomas80 Taylor80 Moore70 Jackson70 Martin70
Lee70 Perez60 Thompson60 White60 Harris60 Sanchez60 Clark50 Ramirez50 Lewis50 Robinson50 Walker50 Young50
Allen50 King50 Wright50 Scott45 Torres45 Nguyen45 Hill45 Flores45 Green45 Adams40 Nelson40 Baker40 Hall40
Rivera40 Campbell40 Mitchell40 Carter40 Roberts40 Gomez35 Phillips35 Evans35 Turner35 Diaz35 Parker35 Cruz35
Edwards35 Collins35 Reyes35 Stewart30 Morris30 Morales30 Murphy30 Cook30 Rogers30 Gutierrez30 Ortiz30
Morgan30 Cooper30 Peterson30 Bailey30 Reed30 Kelly30 Howard30 Ramos30 Kim30 Cox30 Ward30 Richardson30
Watson30 Brooks30 Chavez30 Wood30 James30 Bennett30 Gray30 Mendoza30 Ruiz30 Hughes30 Price30 Alvarez30
Castillo30 Sanders30 Patel30 Myers30 Long30 Ross30 Foster30 Fitzgerald2 Vanderbilt1 Okonkwo1`;

function parse(list: string): [string, number][] {
  return list
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const match = /^(\D+)([\d.]+)$/.exec(entry);
      if (!match) throw new Error(`Bad name entry: ${entry}`);
      return [match[1] as string, Number(match[2])];
    });
}

const surnames = new Weighted(parse(SURNAMES));
const popularGiven = new Weighted(parse(POPULAR_GIVEN));
const givenChars = Array.from(GIVEN_CHARS);
const firstNames = new Weighted(parse(FIRST_NAMES));
const lastNames = new Weighted(parse(LAST_NAMES));

/** A Chinese name: a surname, then a popular given name (a third of the time) or one or two characters. */
export function chineseName(random: Random): string {
  const surname = surnames.draw(random);
  if (random.chance(0.35)) return surname + popularGiven.draw(random);
  if (random.chance(0.2)) return surname + random.pick(givenChars);
  return surname + random.pick(givenChars) + random.pick(givenChars);
}

/** An English first and last name, drawn again while the pair is longer than a name may be (20). */
export function englishName(random: Random): string {
  for (;;) {
    const name = `${firstNames.draw(random)} ${lastNames.draw(random)}`;
    if (normalizeName(name)) return name;
  }
}

/** Department names, by level: divisions, then departments, then teams. */
export const DEPARTMENT_WORDS = {
  division: [
    '研发中心',
    '销售中心',
    '市场部',
    '财务部',
    '人力资源部',
    'Operations',
    'Customer Success',
    '供应链',
    '法务部',
    '产品中心',
    'Research',
    '客户服务中心',
  ],
  unit: [
    '平台',
    '华东区',
    '华南区',
    '华北区',
    'Growth',
    'Data',
    '基础架构',
    '移动端',
    'Web',
    '品牌',
    '渠道',
    '招聘',
    '薪酬',
    'Quality',
    '采购',
    '物流',
    '安全',
    '测试',
    'Design',
    '运维',
  ],
  team: [
    '一组',
    '二组',
    '三组',
    'Alpha',
    'Beta',
    'Core',
    '前端组',
    '后端组',
    '北京',
    '上海',
    '深圳',
    '杭州',
    '成都',
    '武汉',
    'Team',
  ],
};
